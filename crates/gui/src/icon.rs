//! The app's icons: the brand's PNGs from `resources/` (build.rs embeds them),
//! decoded at start. The tray shows one per state; the window uses the app icon.

use super::theme::Colours;

/// What an icon says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sign {
    /// The app itself (the brand colour, a platter and hub).
    App,
    /// All backups recent.
    Ok,
    /// A job is running.
    Running,
    /// Something needs attention (a backup too old, never made).
    Warning,
    /// A repository is out of reach or the last backup failed.
    Error,
}

/// A square RGBA image.
pub struct Image {
    pub size: u32,
    pub rgba: Vec<u8>,
}

/// The brand's icon for `sign` (its PNG from `resources/`, decoded).
pub fn image(sign: Sign) -> Image {
    use crate::customization as brand;
    let bytes = match sign {
        Sign::App => brand::ICON_APP,
        Sign::Ok => brand::ICON_TRAY_OK,
        Sign::Running => brand::ICON_TRAY_RUNNING,
        Sign::Warning => brand::ICON_TRAY_WARNING,
        Sign::Error => brand::ICON_TRAY_ERROR,
    };
    decode(bytes).unwrap_or_else(|why| {
        // build.rs checked the file's header; a damaged body still leaves an icon
        tracing::warn!(
            "the brand's {sign:?} icon cannot be decoded ({why}): a plain disc is shown"
        );
        disc(sign, 32)
    })
}

/// A PNG as square RGBA pixels.
fn decode(bytes: &[u8]) -> Result<Image, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("too large")?];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    if info.width != info.height {
        return Err(format!("{}x{} is not square", info.width, info.height));
    }
    let pixels = &buf[..info.buffer_size()];
    let rgba: Vec<u8> = match info.color_type {
        png::ColorType::Rgba => pixels.to_vec(),
        png::ColorType::Rgb => pixels
            .chunks(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        png::ColorType::GrayscaleAlpha => pixels
            .chunks(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        png::ColorType::Grayscale => pixels.iter().flat_map(|g| [*g, *g, *g, 255]).collect(),
        png::ColorType::Indexed => return Err("a palette image was not expanded".into()),
    };
    Ok(Image {
        size: info.width,
        rgba,
    })
}

/// A disc in the state's colour (when the brand's icon cannot be read).
fn disc(sign: Sign, size: u32) -> Image {
    let c = match sign {
        Sign::App => Colours::primary(),
        Sign::Ok => Colours::ok(),
        Sign::Running => Colours::running(),
        Sign::Warning => Colours::warning(),
        Sign::Error => Colours::error(),
    };
    let r = size as f32 / 2.0;
    let rgba = (0..size * size)
        .flat_map(|i| {
            let (x, y) = ((i % size) as f32 + 0.5 - r, (i / size) as f32 + 0.5 - r);
            let inside = (x * x + y * y).sqrt() <= r - 1.0;
            [
                (c.r * 255.0) as u8,
                (c.g * 255.0) as u8,
                (c.b * 255.0) as u8,
                if inside { 255 } else { 0 },
            ]
        })
        .collect();
    Image { size, rgba }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brand_icons_decode_with_a_transparent_corner_and_an_opaque_centre() {
        for sign in [
            Sign::App,
            Sign::Ok,
            Sign::Running,
            Sign::Warning,
            Sign::Error,
        ] {
            let img = image(sign);
            let n = img.size as usize;
            assert!(n >= 16, "{sign:?}");
            assert_eq!(img.rgba.len(), n * n * 4);
            assert_eq!(img.rgba[3], 0, "{sign:?}: corner is transparent");
            let centre = (n / 2 * n + n / 2) * 4;
            assert!(img.rgba[centre + 3] > 200, "{sign:?}: centre is opaque");
        }
        assert!(decode(b"not a png").is_err());
        let fallback = disc(Sign::Error, 16);
        assert_eq!(fallback.rgba.len(), 16 * 16 * 4);
    }
}
