//! The original's sizes (ofunctions' `BytesConverter`): "400 Kib", "100.0 Mib",
//! "10 MiB", "1GB". Units are case-sensitive: `B` bytes, `b` bits; an `i` makes
//! them powers of 1024, without it powers of 1000. A bare number is bytes.

/// Bytes, or why the text is not a size.
pub fn parse(text: &str) -> Result<f64, String> {
    const BYTE_UNITS: [(&str, f64); 13] = [
        ("EB", 1e18),
        ("EiB", 1152921504606846976.0),
        ("PB", 1e15),
        ("PiB", 1125899906842624.0),
        ("TB", 1e12),
        ("TiB", 1099511627776.0),
        ("GB", 1e9),
        ("GiB", 1073741824.0),
        ("MB", 1e6),
        ("MiB", 1048576.0),
        ("KB", 1e3),
        ("KiB", 1024.0),
        ("B", 1.0),
    ];
    let t = text.trim();
    let bad = || {
        format!(
            "'{text}' is not a size (the original's units: B, KB, KiB, MB, MiB… in bytes; b, Kb, Kib, Mib… in bits)"
        )
    };
    if let Ok(v) = t.parse::<f64>() {
        return if v < 0.0 { Err(bad()) } else { Ok(v) };
    }
    // the original tries each unit in this order and takes the first that splits
    // the text in two: "10 MiB" splits on "MiB" before it could on "B"
    for bits in [false, true] {
        for (unit, factor) in BYTE_UNITS {
            let unit = if bits {
                unit.replace('B', "b")
            } else {
                unit.to_string()
            };
            let parts: Vec<&str> = t.split(unit.as_str()).collect();
            if parts.len() == 2 {
                if !parts[1].trim().is_empty() {
                    return Err(bad());
                }
                let n: f64 = parts[0].trim().parse().map_err(|_| bad())?;
                if n < 0.0 || !n.is_finite() {
                    return Err(bad());
                }
                return Ok(if bits { n * factor / 8.0 } else { n * factor });
            }
        }
    }
    Err(bad())
}

/// Whole bytes, as the original's `int(BytesConverter(v).bytes)`.
pub fn bytes(text: &str) -> Result<u64, String> {
    parse(text).map(|b| b as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_original_spellings() {
        assert_eq!(bytes("400 Kib").unwrap(), 51_200);
        assert_eq!(bytes("100.0 Mib").unwrap(), 13_107_200);
        assert_eq!(bytes("10 MiB").unwrap(), 10_485_760);
        assert_eq!(bytes("10MiB").unwrap(), 10_485_760);
        assert_eq!(bytes("1GB").unwrap(), 1_000_000_000);
        assert_eq!(bytes("1 Gb").unwrap(), 125_000_000);
        assert_eq!(bytes("800 Mib").unwrap(), 104_857_600);
        assert_eq!(bytes("0.0 KiB").unwrap(), 0);
        assert_eq!(bytes("2 GiB").unwrap(), 2_147_483_648);
        assert_eq!(bytes("1000").unwrap(), 1000);
        // case matters, as in the original
        assert!(bytes("10 mib").is_err());
        assert!(bytes("100 %").is_err());
        assert!(bytes("-1 KiB").is_err());
        assert!(bytes("5 KiB extra").is_err());
    }
}
