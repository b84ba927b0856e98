//! The look of the app: the brand's colours (from `branding.toml`, baked in at
//! build time) turned into a light and a dark iced theme, and the style functions
//! of our own widgets (status banner, table rows, panels, coloured text) kept
//! together here instead of inline in the views. Every style reads the surfaces of
//! the theme it is given, so a view never picks light or dark itself; a test checks
//! that all text meets WCAG AA contrast on every surface, in both.

use iced::{
    Background, Border, Color, Element, Font, Theme,
    font::Weight,
    theme::Palette,
    widget::{button, center, container, opaque, stack, text},
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

/// Light or dark: from the desktop's preference, or `[desktop] theme` in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Appearance {
    #[default]
    Light,
    Dark,
}

impl Appearance {
    /// What the desktop says (light when it says nothing).
    pub fn from_mode(mode: iced::theme::Mode) -> Appearance {
        match mode {
            iced::theme::Mode::Dark => Appearance::Dark,
            _ => Appearance::Light,
        }
    }

    /// The appearance a theme was made for.
    pub fn of(theme: &Theme) -> Appearance {
        if theme.extended_palette().is_dark {
            Appearance::Dark
        } else {
            Appearance::Light
        }
    }
}

/// What our styles paint with, per appearance.
#[derive(Debug, Clone, Copy)]
pub struct Surfaces {
    /// The window's background.
    pub window: Color,
    /// Cards, tables and dialogs.
    pub card: Color,
    /// Every other row of a table.
    pub stripe: Color,
    pub text: Color,
}

pub fn surfaces(a: Appearance) -> Surfaces {
    match a {
        Appearance::Light => Surfaces {
            window: Color::from_rgb8(0xF7, 0xF8, 0xFA),
            card: Color::WHITE,
            stripe: Color::from_rgb8(0xF3, 0xF5, 0xF8),
            text: Color::from_rgb8(0x1F, 0x23, 0x28),
        },
        Appearance::Dark => Surfaces {
            window: Color::from_rgb8(0x11, 0x13, 0x17),
            card: Color::from_rgb8(0x21, 0x25, 0x2B),
            stripe: Color::from_rgb8(0x28, 0x2D, 0x34),
            text: Color::from_rgb8(0xF0, 0xF2, 0xF4),
        },
    }
}

/// A brand colour as text on `a`'s surfaces: as it is on light ones, lifted
/// towards white on dark ones until it reads (WCAG AA, 4.5:1) on every surface.
pub fn text_colour(colour: Color, a: Appearance) -> Color {
    let s = surfaces(a);
    let (toward, surfaces) = match a {
        Appearance::Light => (Color::BLACK, [s.window, s.card, s.stripe]),
        Appearance::Dark => (Color::WHITE, [s.window, s.card, s.stripe]),
    };
    until_readable(colour, toward, |c| {
        surfaces.iter().all(|bg| contrast(c, *bg) >= AA)
    })
}

/// WCAG AA's contrast for normal text.
const AA: f32 = 4.5;

/// `colour` moved towards `toward` in small steps until `readable` says so (or
/// it has become `toward`).
fn until_readable(colour: Color, toward: Color, readable: impl Fn(Color) -> bool) -> Color {
    let mut c = colour;
    let mut step = 0.0;
    while !readable(c) && step < 1.0 {
        step += 0.05;
        c = mix(colour, toward, step);
    }
    c
}

/// Text in a brand colour, readable in either appearance.
pub fn coloured(colour: Color) -> impl Fn(&Theme) -> text::Style {
    move |theme| text::Style {
        color: Some(text_colour(colour, Appearance::of(theme))),
    }
}

/// The app's light theme (what the tests and benchmarks render).
pub fn theme() -> Theme {
    theme_for(Appearance::Light)
}

/// The app's theme in `a`, in the brand's colours.
pub fn theme_for(a: Appearance) -> Theme {
    let s = surfaces(a);
    let name = match a {
        Appearance::Light => brand::PRODUCT_NAME.to_string(),
        Appearance::Dark => format!("{} (dark)", brand::PRODUCT_NAME),
    };
    Theme::custom(
        name,
        Palette {
            background: s.window,
            text: s.text,
            primary: Colours::primary(),
            success: Colours::ok(),
            warning: Colours::warning(),
            danger: Colours::error(),
        },
    )
}

/// The pale fill of a banner tinted with `colour`, on `a`'s cards.
pub fn banner_fill(colour: Color, a: Appearance) -> Color {
    mix(colour, surfaces(a).card, 0.88)
}

/// A banner tinted with `colour`: a pale fill and a strong border.
pub fn banner(colour: Color) -> impl Fn(&Theme) -> container::Style {
    move |theme| {
        let a = Appearance::of(theme);
        container::Style {
            background: Some(Background::Color(banner_fill(colour, a))),
            border: Border {
                color: colour,
                width: 1.5,
                radius: 8.0.into(),
            },
            text_color: Some(surfaces(a).text),
            ..container::Style::default()
        }
    }
}

/// iced's secondary button, its fill moved away from its text where needed to
/// reach WCAG AA (iced's own palette stops a little short of it on dark).
pub fn secondary(theme: &Theme, status: button::Status) -> button::Style {
    let mut style = button::secondary(theme, status);
    // a disabled control is exempt, and says so by fading
    if status == button::Status::Disabled {
        return style;
    }
    if let Some(Background::Color(fill)) = style.background {
        // away from the text: darker under light text, lighter under dark text
        let away = if contrast(style.text_color, Color::BLACK)
            > contrast(style.text_color, Color::WHITE)
        {
            Color::BLACK
        } else {
            Color::WHITE
        };
        let text = style.text_color;
        let f = until_readable(fill, away, |f| contrast(text, f) >= AA);
        style.background = Some(Background::Color(f));
    }
    style
}

/// The fill of a selected (or focused) row.
pub fn selected_fill(a: Appearance) -> Color {
    mix(Colours::primary(), surfaces(a).card, 0.80)
}

/// A card on the window's background.
pub fn card(theme: &Theme) -> container::Style {
    let p = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(surfaces(Appearance::of(theme)).card)),
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
        let a = Appearance::of(theme);
        let base = if selected {
            selected_fill(a)
        } else if odd {
            surfaces(a).stripe
        } else {
            surfaces(a).card
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
        let a = Appearance::of(theme);
        let background = if focused {
            selected_fill(a)
        } else if odd {
            surfaces(a).stripe
        } else {
            surfaces(a).card
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

/// WCAG 2 contrast ratio of two colours (1 to 21).
pub fn contrast(a: Color, b: Color) -> f32 {
    fn channel(c: f32) -> f32 {
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }
    let lum = |c: Color| 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    let (la, lb) = (lum(a), lum(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
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
    fn all_text_meets_wcag_aa_on_every_surface_in_both_themes() {
        for a in [Appearance::Light, Appearance::Dark] {
            let s = surfaces(a);
            let theme = theme_for(a);
            assert_eq!(Appearance::of(&theme), a);
            let p = theme.extended_palette();
            let mut grounds = vec![
                ("window", s.window),
                ("card", s.card),
                ("stripe", s.stripe),
                ("selected row", selected_fill(a)),
                ("table header", p.background.weak.color),
            ];
            for (name, c) in [
                ("ok", Colours::ok()),
                ("warning", Colours::warning()),
                ("error", Colours::error()),
                ("running", Colours::running()),
            ] {
                grounds.push((name, banner_fill(c, a)));
            }
            for (name, bg) in &grounds {
                let ratio = contrast(s.text, *bg);
                assert!(ratio >= 4.5, "{a:?}: text on {name}: {ratio:.2}");
            }
            // coloured text (titles, results) on the surfaces it is written on
            for (name, c) in [
                ("primary", Colours::primary()),
                ("ok", Colours::ok()),
                ("warning", Colours::warning()),
                ("error", Colours::error()),
            ] {
                let t = text_colour(c, a);
                for bg in [s.window, s.card, s.stripe] {
                    let ratio = contrast(t, bg);
                    assert!(ratio >= 4.5, "{a:?}: {name} text: {ratio:.2}");
                }
            }
            // buttons: their text on their fill, at rest and under the pointer
            for (name, pair) in [("primary", p.primary.base), ("danger", p.danger.base)] {
                let ratio = contrast(pair.text, pair.color);
                assert!(ratio >= 4.5, "{a:?}: {name} button: {ratio:.2}");
            }
            for status in [button::Status::Active, button::Status::Hovered] {
                let b = secondary(&theme, status);
                let Some(Background::Color(fill)) = b.background else {
                    panic!("a secondary button has a fill");
                };
                let ratio = contrast(b.text_color, fill);
                assert!(
                    ratio >= 4.5,
                    "{a:?}: secondary button {status:?}: {ratio:.2}"
                );
            }
        }
    }

    #[test]
    fn contrast_is_measured_as_wcag_says() {
        assert!((contrast(Color::BLACK, Color::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(Color::WHITE, Color::WHITE) - 1.0).abs() < 0.01);
        // #767676 on white is the classic 4.54:1
        assert!((contrast(Color::from_rgb8(0x76, 0x76, 0x76), Color::WHITE) - 4.54).abs() < 0.02);
    }

    #[test]
    fn brand_colours_parse() {
        assert_eq!(hex("#FF8000"), Color::from_rgb8(0xFF, 0x80, 0x00));
        assert_eq!(hex("#zz"), Color::from_rgb8(0x80, 0x80, 0x80));
        assert_eq!(mix(Color::BLACK, Color::WHITE, 0.0), Color::BLACK);
    }
}
