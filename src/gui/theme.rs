//! The look of the app: the brand's colours (from `branding.toml`, baked in at
//! build time) turned into an iced theme, and the style functions of our own
//! widgets (status banner, table rows, panels) kept together here instead of
//! inline in the views.

use iced::{
    Background, Border, Color, Element, Font, Theme,
    font::Weight,
    theme::Palette,
    widget::{button, center, container, opaque, stack},
};

use crate::customization as brand;

/// `#RRGGBB` (validated by build.rs) as a colour; grey if it is somehow not.
pub fn hex(s: &str) -> Color {
    let digits = s.trim_start_matches('#');
    let byte = |i: usize| {
        digits
            .get(i..i + 2)
            .and_then(|d| u8::from_str_radix(d, 16).ok())
            .unwrap_or(0x80)
    };
    Color::from_rgb8(byte(0), byte(2), byte(4))
}

/// The state colours, as named in `branding.toml`.
pub struct Colours;

impl Colours {
    pub fn primary() -> Color {
        hex(brand::COLOUR_PRIMARY)
    }
    pub fn accent() -> Color {
        hex(brand::COLOUR_ACCENT)
    }
    pub fn ok() -> Color {
        hex(brand::COLOUR_OK)
    }
    pub fn warning() -> Color {
        hex(brand::COLOUR_WARNING)
    }
    pub fn error() -> Color {
        hex(brand::COLOUR_ERROR)
    }
    pub fn running() -> Color {
        hex(brand::COLOUR_RUNNING)
    }
}

/// The app's theme: light, in the brand's colours.
pub fn theme() -> Theme {
    Theme::custom(
        brand::PRODUCT_NAME.to_string(),
        Palette {
            background: Color::from_rgb8(0xF7, 0xF8, 0xFA),
            text: Color::from_rgb8(0x1F, 0x23, 0x28),
            primary: Colours::primary(),
            success: Colours::ok(),
            warning: Colours::warning(),
            danger: Colours::error(),
        },
    )
}

/// A banner tinted with `colour`: a pale fill and a strong left edge.
pub fn banner(colour: Color) -> impl Fn(&Theme) -> container::Style {
    move |_theme| container::Style {
        background: Some(Background::Color(mix(colour, Color::WHITE, 0.88))),
        border: Border {
            color: colour,
            width: 1.5,
            radius: 8.0.into(),
        },
        text_color: Some(Color::from_rgb8(0x1F, 0x23, 0x28)),
        ..container::Style::default()
    }
}

/// A white card on the window's background.
pub fn card(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(Color::WHITE)),
        border: Border {
            color: p.background.strong.color,
            width: 1.0,
            radius: 8.0.into(),
        },
        ..container::Style::default()
    }
}

/// The dimmed backdrop behind a dialog.
pub fn backdrop(_theme: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(Color {
            a: 0.45,
            ..Color::BLACK
        })),
        ..container::Style::default()
    }
}

/// The table's header row.
pub fn table_header(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(p.background.weak.color)),
        ..container::Style::default()
    }
}

/// A table row: a flat button, striped, highlighted when selected.
pub fn table_row(selected: bool, odd: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |theme, status| {
        let p = theme.extended_palette();
        let base = if selected {
            mix(Colours::primary(), Color::WHITE, 0.80)
        } else if odd {
            Color::from_rgb8(0xF3, 0xF5, 0xF8)
        } else {
            Color::WHITE
        };
        let background = match status {
            button::Status::Hovered | button::Status::Pressed => {
                mix(Colours::primary(), base, 0.88)
            }
            _ => base,
        };
        button::Style {
            background: Some(Background::Color(background)),
            text_color: p.background.base.text,
            border: Border::default(),
            ..button::Style::default()
        }
    }
}

/// A row of the file tree: striped, highlighted when it has the focus.
pub fn tree_row(focused: bool, odd: bool) -> impl Fn(&Theme) -> container::Style {
    move |theme| {
        let p = theme.extended_palette();
        let background = if focused {
            mix(Colours::primary(), Color::WHITE, 0.80)
        } else if odd {
            Color::from_rgb8(0xF3, 0xF5, 0xF8)
        } else {
            Color::WHITE
        };
        container::Style {
            background: Some(Background::Color(background)),
            text_color: Some(p.background.base.text),
            ..container::Style::default()
        }
    }
}

/// A header cell: a flat button that sorts.
pub fn header_cell(theme: &Theme, status: button::Status) -> button::Style {
    let p = theme.extended_palette();
    button::Style {
        background: match status {
            button::Status::Hovered | button::Status::Pressed => {
                Some(Background::Color(p.background.strong.color))
            }
            _ => None,
        },
        text_color: p.background.base.text,
        ..button::Style::default()
    }
}

/// `a` blended into `b`: `amount` 0 is `a`, 1 is `b`.
pub fn mix(a: Color, b: Color, amount: f32) -> Color {
    let t = amount.clamp(0.0, 1.0);
    Color::from_rgb(
        a.r + (b.r - a.r) * t,
        a.g + (b.g - a.g) * t,
        a.b + (b.b - a.b) * t,
    )
}

/// The bold variant of the default font (titles, headlines).
pub fn bold() -> Font {
    Font {
        weight: Weight::Bold,
        ..Font::DEFAULT
    }
}

/// `dialog` on a card over `page`, which is dimmed and takes no input meanwhile.
pub fn overlay<'a, M: 'a>(
    page: impl Into<Element<'a, M>>,
    dialog: impl Into<Element<'a, M>>,
) -> Element<'a, M> {
    let dialog = container(dialog).padding(20).max_width(640).style(card);
    stack![
        page.into(),
        opaque(center(dialog).style(backdrop).padding(30))
    ]
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brand_colours_parse() {
        assert_eq!(hex("#FF8000"), Color::from_rgb8(0xFF, 0x80, 0x00));
        assert_eq!(hex("#zz"), Color::from_rgb8(0x80, 0x80, 0x80));
        assert_eq!(mix(Color::BLACK, Color::WHITE, 0.0), Color::BLACK);
    }
}
