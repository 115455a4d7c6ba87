//! The HTML review of the demo logs as a browser shows it: rendered by headless Chromium, its
//! DOM holds the three steps and the inline SVG charts and fetches nothing, and its
//! screenshot is a PNG of the window's size that is not blank.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 2000;

/// Debian's `chromium`, or another name it goes by.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
}

/// Runs `cmd` to its end, or kills it after `limit`; its stdout.
fn run_with_limit(cmd: &mut Command, limit: Duration) -> String {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut out = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium took more than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().expect("reader")
}

/// Chromium headless on `page`, with a private profile, no network and `args`.
fn browser(bin: &str, profile: &Path, page: &Path, args: &[String]) -> String {
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--no-first-run",
        // Anything it tried to fetch would go nowhere.
        "--proxy-server=127.0.0.1:9",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args)
    .arg(format!("file://{}", page.display()))
    .env("HOME", profile);
    run_with_limit(&mut cmd, Duration::from_secs(120))
}

/// The review of the demo logs (1 and 2 October 2026) as HTML in `dir`.
fn demo_review(dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = dir.join("review.html");
    let out = assert_cmd::Command::cargo_bin("timberline")
        .expect("binary")
        .env("TIMBERLINE_INDEX_DIR", dir.join("index"))
        .env("TZ", "UTC")
        .current_dir(root)
        .args(["--config", "assets/demo.toml", "review"])
        .args(["--since", "2026-10-01T00:00:00Z"])
        .args(["--until", "2026-10-03T00:00:00Z"])
        .args(["--format", "html", "--out"])
        .arg(&file)
        .arg("assets/demo")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    file
}

/// A PNG's width, height and pixels as RGB (8-bit RGB or RGBA, not interlaced: what
/// Chromium writes).
struct Image {
    width: u32,
    height: u32,
    rgb: Vec<[u8; 3]>,
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn decode_png(bytes: &[u8]) -> Image {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    let mut at = 8;
    let (mut width, mut height, mut channels) = (0, 0, 0);
    let mut idat = Vec::new();
    let mut first = true;
    while at + 8 <= bytes.len() {
        let len = be32(&bytes[at..]) as usize;
        let kind = &bytes[at + 4..at + 8];
        let data = &bytes[at + 8..at + 8 + len];
        if first {
            assert_eq!(kind, b"IHDR", "IHDR is the first chunk");
            first = false;
            width = be32(data);
            height = be32(&data[4..]);
            assert_eq!(data[8], 8, "8 bits per sample");
            channels = match data[9] {
                2 => 3,
                6 => 4,
                t => panic!("colour type {t}"),
            };
            assert_eq!(data[12], 0, "not interlaced");
        }
        match kind {
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .expect("inflate IDAT");
    let stride = width as usize * channels;
    assert_eq!(raw.len(), (stride + 1) * height as usize, "image data size");
    let mut prev = vec![0u8; stride];
    let mut rgb = Vec::with_capacity(width as usize * height as usize);
    for row in raw.chunks(stride + 1) {
        let (filter, line) = (row[0], &row[1..]);
        let mut cur = vec![0u8; stride];
        for i in 0..stride {
            let a = if i >= channels { cur[i - channels] } else { 0 };
            let b = prev[i];
            let c = if i >= channels { prev[i - channels] } else { 0 };
            let pred = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((a as u16 + b as u16) / 2) as u8,
                4 => {
                    let p = a as i16 + b as i16 - c as i16;
                    let (pa, pb, pc) = (
                        (p - a as i16).abs(),
                        (p - b as i16).abs(),
                        (p - c as i16).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => panic!("filter {f}"),
            };
            cur[i] = line[i].wrapping_add(pred);
        }
        rgb.extend(cur.chunks(channels).map(|p| [p[0], p[1], p[2]]));
        prev = cur;
    }
    Image { width, height, rgb }
}

#[test]
fn chromium_renders_the_demo_review_with_its_sections_and_charts_and_nothing_fetched() {
    let Some(bin) = chromium() else {
        common::skip("chromium is not installed (.ci/run installs it)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let page = demo_review(dir.path());
    let profile = dir.path().join("profile");
    std::fs::create_dir(&profile).expect("mkdir");

    // The DOM as Chromium built it: the three steps, the charts, and no URL fetched.
    let dom = browser(bin, &profile, &page, &["--dump-dom".into()]);
    for section in [
        "STEP 1: Are the logs there?",
        "STEP 2: Obvious anomalies",
        "STEP 3: Statistics",
        "Events per hour of day",
        "Events per day (UTC)",
    ] {
        assert!(dom.contains(section), "{section} not in the DOM");
    }
    assert!(dom.matches("<svg").count() >= 2, "the two inline charts");
    assert!(dom.contains("<rect"), "bars in the charts");
    // The charts say what their axes and marks are.
    for label in [
        "hour of day (",
        "day (UTC)",
        ">events<",
        "baseline (scaled to the window)",
    ] {
        assert!(dom.contains(label), "{label} not in the charts");
    }
    for raw in [
        "<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import",
    ] {
        assert!(!dom.contains(raw), "{raw} in the DOM");
    }
    // `http` only in text (log lines, escaped), never in a tag: nothing is fetched.
    for (i, _) in dom.match_indices("http") {
        let before = &dom[..i];
        assert!(
            before.rfind('<') < before.rfind('>'),
            "http inside a tag: {}",
            &dom[i.saturating_sub(80)..(i + 20).min(dom.len())]
        );
    }

    // The screenshot: a PNG of the window's size, with a page drawn in it (text).
    let top = screenshot(bin, &profile, &page, dir.path(), "top", HEIGHT);
    let dark = top.rgb.iter().filter(|p| p.iter().all(|&v| v < 80)).count();
    assert!(dark > 5_000, "{dark} dark pixels: no text?");
    // The whole report, down to the charts of STEP 2 and 3: their bars are drawn.
    let all = screenshot(bin, &profile, &page, dir.path(), "all", 12_000);
    let blue = all
        .rgb
        .iter()
        .filter(|p| p[2] > 150 && p[0] < 110 && p[1] < 150)
        .count();
    assert!(blue > 5_000, "{blue} blue pixels: no bars?");
}

/// A screenshot `height` pixels tall, checked to be a PNG of the window's size that is not
/// blank; kept in `TIMBERLINE_KEEP_SCREENSHOT`-NAME.png when that is set (to look at it).
fn screenshot(
    bin: &str,
    profile: &Path,
    page: &Path,
    dir: &Path,
    name: &str,
    height: u32,
) -> Image {
    let shot = dir.join(format!("{name}.png"));
    browser(
        bin,
        profile,
        page,
        &[
            format!("--screenshot={}", shot.display()),
            format!("--window-size={WIDTH},{height}"),
        ],
    );
    let bytes = std::fs::read(&shot).expect("the screenshot was written");
    if let Some(keep) = std::env::var_os("TIMBERLINE_KEEP_SCREENSHOT") {
        let mut keep = keep;
        keep.push(format!("-{name}.png"));
        std::fs::write(keep, &bytes).expect("keep the screenshot");
    }
    let img = decode_png(&bytes);
    assert_eq!((img.width, img.height), (WIDTH, height));
    let white = img
        .rgb
        .iter()
        .filter(|p| p.iter().all(|&v| v >= 250))
        .count();
    let inked = img.rgb.len() - white;
    assert!(
        inked > img.rgb.len() / 50,
        "{name}: only {inked} of {} pixels are not white",
        img.rgb.len()
    );
    img
}
