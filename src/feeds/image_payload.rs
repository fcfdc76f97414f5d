//! Reading an image out of a payload for the image block: a `data:image/…;base64,` URI or
//! bare base64, of a raster type recognised by its first bytes, within a size limit —
//! and nothing else, so a payload can never make the page load from elsewhere (a URL)
//! or show a scriptable document (SVG).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// The largest image shown, decoded: a camera snapshot, not a video.
pub const MAX_IMAGE_BYTES: usize = 512 * 1024;

/// The largest payload read: the base64 of [`MAX_IMAGE_BYTES`] and a data-URI prefix.
pub const MAX_PAYLOAD_BYTES: usize = MAX_IMAGE_BYTES / 3 * 4 + 64;

/// The raster types shown, by their magic numbers.
const TYPES: [(&str, &[u8]); 4] = [
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
    ("image/gif", b"GIF8"),
    ("image/webp", b"RIFF"),
];

/// A checked image, ready for `<img src>`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageSource {
    /// `data:image/png;base64,…`, rebuilt from the decoded bytes.
    pub data_uri: String,
    /// The type recognised.
    pub mime: &'static str,
    /// Decoded size in bytes.
    pub bytes: usize,
}

/// Reads `payload` as an image, or says why it is not one.
pub fn read_image(payload: &[u8]) -> Result<ImageSource, String> {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(format!(
            "image too large: {} KiB of payload, at most {} KiB of image",
            payload.len() / 1024,
            MAX_IMAGE_BYTES / 1024
        ));
    }
    let text = std::str::from_utf8(payload)
        .map_err(|_| "not an image: binary data; send it as base64 or a data: URI".to_owned())?
        .trim();
    let (declared, base64) = match text.strip_prefix("data:") {
        Some(rest) => {
            let (head, data) = rest
                .split_once(',')
                .ok_or("not an image: a data: URI without a comma")?;
            let mime = head
                .strip_suffix(";base64")
                .ok_or("not an image: only base64 data: URIs are shown")?;
            (Some(mime.to_ascii_lowercase()), data)
        }
        None => (None, text),
    };
    let bytes = STANDARD
        .decode(base64.trim())
        .map_err(|e| format!("not an image: the base64 does not decode ({e})"))?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(format!(
            "image too large: {} KiB, at most {} KiB",
            bytes.len().div_ceil(1024),
            MAX_IMAGE_BYTES / 1024
        ));
    }
    let mime = sniff(&bytes).ok_or("not an image: not PNG, JPEG, GIF or WebP")?;
    if let Some(declared) =
        declared.filter(|d| d != mime && !(d == "image/jpg" && mime == "image/jpeg"))
    {
        return Err(format!("not an image: says {declared} but holds {mime}"));
    }
    Ok(ImageSource {
        data_uri: format!("data:{mime};base64,{}", STANDARD.encode(&bytes)),
        mime,
        bytes: bytes.len(),
    })
}

fn sniff(bytes: &[u8]) -> Option<&'static str> {
    TYPES.iter().find_map(|(mime, magic)| {
        let webp_ok = *mime != "image/webp" || bytes.get(8..12) == Some(b"WEBP");
        (bytes.starts_with(magic) && webp_ok).then_some(*mime)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1×1 PNG.
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
    ];

    #[test]
    fn bare_base64_and_data_uris_of_raster_images_are_shown() {
        let b64 = STANDARD.encode(PNG);
        let from_bare = read_image(b64.as_bytes()).unwrap();
        assert_eq!(from_bare.mime, "image/png");
        assert_eq!(from_bare.bytes, PNG.len());
        assert_eq!(from_bare.data_uri, format!("data:image/png;base64,{b64}"));
        let uri = format!("  data:image/PNG;base64,{b64}\n");
        assert_eq!(read_image(uri.as_bytes()).unwrap(), from_bare);
        let jpeg = STANDARD.encode([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
        assert_eq!(read_image(jpeg.as_bytes()).unwrap().mime, "image/jpeg");
    }

    #[test]
    fn anything_else_is_refused_with_the_reason() {
        let err = |payload: &[u8]| read_image(payload).unwrap_err();
        let svg = format!(
            "data:image/svg+xml;base64,{}",
            STANDARD.encode("<svg onload=alert(1)>")
        );
        assert_eq!(
            err(svg.as_bytes()),
            "not an image: not PNG, JPEG, GIF or WebP"
        );
        assert_eq!(
            err(b"https://example.com/cam.jpg"),
            "not an image: the base64 does not decode (Invalid symbol 58, offset 5.)"
        );
        assert_eq!(
            err(b"data:image/png,raw"),
            "not an image: only base64 data: URIs are shown"
        );
        let lying = format!("data:image/gif;base64,{}", STANDARD.encode(PNG));
        assert_eq!(
            err(lying.as_bytes()),
            "not an image: says image/gif but holds image/png"
        );
        assert!(err(&[0xff, 0xfe, 0x00]).starts_with("not an image: binary data"));
        let huge = vec![b'A'; MAX_PAYLOAD_BYTES + 1];
        assert!(err(&huge).starts_with("image too large"), "{}", err(&huge));
        let just_over = STANDARD.encode(vec![0u8; MAX_IMAGE_BYTES + 3]);
        assert!(err(just_over.as_bytes()).starts_with("image too large"));
    }
}
