//! The app's icons, drawn from the brand's colours at start (no image files to
//! ship or decode): a disc in the state's colour with a white sign on it. The
//! tray shows one per state; the window uses the brand's.

use iced::Color;

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

/// Draws `sign` at `size`×`size` pixels, anti-aliased.
pub fn draw(sign: Sign, size: u32) -> Image {
    let colour = match sign {
        Sign::App => Colours::primary(),
        Sign::Ok => Colours::ok(),
        Sign::Running => Colours::running(),
        Sign::Warning => Colours::warning(),
        Sign::Error => Colours::error(),
    };
    const SAMPLES: u32 = 4;
    let mut rgba = Vec::with_capacity((size * size * 4) as usize);
    for py in 0..size {
        for px in 0..size {
            let (mut disc, mut mark) = (0.0f32, 0.0f32);
            for sy in 0..SAMPLES {
                for sx in 0..SAMPLES {
                    // the sample in unit coordinates, centre (0,0), radius 1
                    let x =
                        ((px * SAMPLES + sx) as f32 + 0.5) / (size * SAMPLES) as f32 * 2.0 - 1.0;
                    let y =
                        ((py * SAMPLES + sy) as f32 + 0.5) / (size * SAMPLES) as f32 * 2.0 - 1.0;
                    if x * x + y * y <= 0.94 * 0.94 {
                        disc += 1.0;
                        if on_sign(sign, x, y) {
                            mark += 1.0;
                        }
                    }
                }
            }
            let n = (SAMPLES * SAMPLES) as f32;
            let (disc, mark) = (disc / n, mark / n);
            // white sign over the coloured disc, transparent outside
            let c = mix(
                colour,
                Color::WHITE,
                if disc > 0.0 { mark / disc } else { 0.0 },
            );
            rgba.extend_from_slice(&[
                (c.r * 255.0) as u8,
                (c.g * 255.0) as u8,
                (c.b * 255.0) as u8,
                (disc * 255.0) as u8,
            ]);
        }
    }
    Image { size, rgba }
}

fn mix(a: Color, b: Color, t: f32) -> Color {
    super::theme::mix(a, b, t)
}

/// Distance from (x, y) to the segment (ax, ay)–(bx, by).
fn to_segment(x: f32, y: f32, (ax, ay): (f32, f32), (bx, by): (f32, f32)) -> f32 {
    let (dx, dy) = (bx - ax, by - ay);
    let t = (((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
    let (cx, cy) = (ax + t * dx - x, ay + t * dy - y);
    (cx * cx + cy * cy).sqrt()
}

fn on_sign(sign: Sign, x: f32, y: f32) -> bool {
    const W: f32 = 0.13; // half the stroke width
    let r = (x * x + y * y).sqrt();
    match sign {
        Sign::App => (0.48..0.62).contains(&r) || r < 0.16,
        Sign::Ok => {
            to_segment(x, y, (-0.42, 0.02), (-0.12, 0.32)) < W
                || to_segment(x, y, (-0.12, 0.32), (0.45, -0.30)) < W
        }
        Sign::Running => {
            // a ring with a gap at the top right: "going round"
            (0.38..0.60).contains(&r) && !(x > 0.0 && y < 0.0 && x > -y * 0.4)
                || to_segment(x, y, (0.18, -0.62), (0.52, -0.42)) < W * 0.8
        }
        Sign::Warning => {
            to_segment(x, y, (0.0, -0.50), (0.0, 0.14)) < W
                || (x * x + (y - 0.45).powi(2)).sqrt() < W * 1.2
        }
        Sign::Error => {
            to_segment(x, y, (-0.38, -0.38), (0.38, 0.38)) < W
                || to_segment(x, y, (-0.38, 0.38), (0.38, -0.38)) < W
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_have_a_transparent_corner_an_opaque_centre_and_a_sign() {
        for sign in [
            Sign::App,
            Sign::Ok,
            Sign::Running,
            Sign::Warning,
            Sign::Error,
        ] {
            let img = draw(sign, 32);
            assert_eq!(img.rgba.len(), 32 * 32 * 4);
            assert_eq!(img.rgba[3], 0, "{sign:?}: corner is transparent");
            let white = img
                .rgba
                .chunks(4)
                .filter(|p| p[0] > 240 && p[1] > 240 && p[2] > 240 && p[3] > 240)
                .count();
            assert!(
                white > 20,
                "{sign:?}: the sign is drawn ({white} white pixels)"
            );
        }
    }
}
