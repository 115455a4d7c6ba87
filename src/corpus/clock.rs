//! Fast, allocation-free timestamp and number formatting for the generator (chrono's `format`
//! parses its pattern on every call, which would dominate the cost of writing a gigabyte).

use chrono::{Offset, TimeZone};
use chrono_tz::Tz;

pub(crate) const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// How a family writes its times: which zone its wall clock is in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ZoneSpec {
    Utc,
    /// A fixed offset in seconds east of UTC.
    Fixed(i32),
    Named(Tz),
}

impl ZoneSpec {
    pub(crate) fn name(self) -> String {
        match self {
            ZoneSpec::Utc => "UTC".to_string(),
            ZoneSpec::Fixed(s) => offset_string(s, true),
            ZoneSpec::Named(tz) => tz.name().to_string(),
        }
    }
}

/// `+05:30` (colon) or `+0530`.
pub(crate) fn offset_string(secs: i32, colon: bool) -> String {
    let mut b = Vec::new();
    push_offset(&mut b, secs, colon);
    String::from_utf8_lossy(&b).into_owned()
}

/// Gives the UTC offset at an instant, caching it per UTC hour (zone transitions fall on whole
/// hours in every zone the generator uses).
pub(crate) struct ZoneClock {
    spec: ZoneSpec,
    hour: i64,
    off: i32,
}

impl ZoneClock {
    pub(crate) fn new(spec: ZoneSpec) -> ZoneClock {
        ZoneClock {
            spec,
            hour: i64::MIN,
            off: 0,
        }
    }

    pub(crate) fn offset(&mut self, secs: i64) -> i32 {
        match self.spec {
            ZoneSpec::Utc => 0,
            ZoneSpec::Fixed(o) => o,
            ZoneSpec::Named(tz) => {
                let hour = secs.div_euclid(3600);
                if hour != self.hour {
                    self.hour = hour;
                    self.off = match chrono::DateTime::from_timestamp(hour * 3600, 0) {
                        Some(dt) => tz
                            .offset_from_utc_datetime(&dt.naive_utc())
                            .fix()
                            .local_minus_utc(),
                        None => 0,
                    };
                }
                self.off
            }
        }
    }
}

/// A broken-down wall-clock time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Civil {
    pub y: i64,
    pub mo: u32,
    pub d: u32,
    pub h: u32,
    pub mi: u32,
    pub s: u32,
}

/// Wall-clock fields of `secs` seconds since the epoch (already shifted by the zone offset).
pub(crate) fn civil(secs: i64) -> Civil {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u32;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(mo <= 2);
    Civil {
        y,
        mo,
        d,
        h: sod / 3600,
        mi: sod / 60 % 60,
        s: sod % 60,
    }
}

pub(crate) fn push_u64(b: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    b.extend_from_slice(&tmp[i..]);
}

/// `n` zero-padded to `width` digits.
pub(crate) fn push_pad(b: &mut Vec<u8>, n: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = tmp.len();
    let mut n = n;
    while n > 0 && i > 0 {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let start = tmp.len().saturating_sub(width).min(i);
    b.extend_from_slice(&tmp[start..]);
}

pub(crate) fn push_hex(b: &mut Vec<u8>, n: u64, digits: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for i in (0..digits).rev() {
        b.push(HEX[((n >> (i * 4)) & 0xf) as usize]);
    }
}

pub(crate) fn push_offset(b: &mut Vec<u8>, secs: i32, colon: bool) {
    b.push(if secs < 0 { b'-' } else { b'+' });
    let a = secs.unsigned_abs();
    push_pad(b, u64::from(a / 3600), 2);
    if colon {
        b.push(b':');
    }
    push_pad(b, u64::from(a / 60 % 60), 2);
}

fn push_date(b: &mut Vec<u8>, c: &Civil, sep: u8) {
    push_pad(b, c.y.max(0) as u64, 4);
    b.push(sep);
    push_pad(b, u64::from(c.mo), 2);
    b.push(sep);
    push_pad(b, u64::from(c.d), 2);
}

fn push_hms(b: &mut Vec<u8>, c: &Civil) {
    push_pad(b, u64::from(c.h), 2);
    b.push(b':');
    push_pad(b, u64::from(c.mi), 2);
    b.push(b':');
    push_pad(b, u64::from(c.s), 2);
}

fn split(us: i64) -> (i64, u64) {
    (us.div_euclid(1_000_000), us.rem_euclid(1_000_000) as u64)
}

/// RFC 3164: `Oct  1 02:00:01` (local wall clock, no year, no zone).
pub(crate) fn rfc3164(b: &mut Vec<u8>, us: i64, zone: &mut ZoneClock) {
    let (s, _) = split(us);
    let c = civil(s + i64::from(zone.offset(s)));
    b.extend_from_slice(MONTHS[(c.mo - 1) as usize]);
    b.push(b' ');
    if c.d < 10 {
        b.push(b' ');
    }
    push_u64(b, u64::from(c.d));
    b.push(b' ');
    push_hms(b, &c);
}

/// RFC 3339 with microseconds and the zone's offset: `2026-10-05T02:00:01.123456+05:30`.
pub(crate) fn rfc3339_micros_offset(b: &mut Vec<u8>, us: i64, zone: &mut ZoneClock) {
    let (s, frac) = split(us);
    let off = zone.offset(s);
    let c = civil(s + i64::from(off));
    push_date(b, &c, b'-');
    b.push(b'T');
    push_hms(b, &c);
    b.push(b'.');
    push_pad(b, frac, 6);
    push_offset(b, off, true);
}

/// UTC RFC 3339 with `digits` (3 or 6) fractional digits and `Z`.
pub(crate) fn rfc3339_utc(b: &mut Vec<u8>, us: i64, digits: u32) {
    let (s, frac) = split(us);
    let c = civil(s);
    push_date(b, &c, b'-');
    b.push(b'T');
    push_hms(b, &c);
    b.push(b'.');
    if digits == 3 {
        push_pad(b, frac / 1000, 3);
    } else {
        push_pad(b, frac, 6);
    }
    b.push(b'Z');
}

/// Common Log Format: `05/Oct/2026:11:00:01 +0900`.
pub(crate) fn clf(b: &mut Vec<u8>, us: i64, zone: &mut ZoneClock) {
    let (s, _) = split(us);
    let off = zone.offset(s);
    let c = civil(s + i64::from(off));
    push_pad(b, u64::from(c.d), 2);
    b.push(b'/');
    b.extend_from_slice(MONTHS[(c.mo - 1) as usize]);
    b.push(b'/');
    push_pad(b, c.y.max(0) as u64, 4);
    b.push(b':');
    push_hms(b, &c);
    b.push(b' ');
    push_offset(b, off, false);
}

/// nginx error log: `2026/10/05 02:00:01` (local wall clock, no zone).
pub(crate) fn nginx_error(b: &mut Vec<u8>, us: i64, zone: &mut ZoneClock) {
    let (s, _) = split(us);
    let c = civil(s + i64::from(zone.offset(s)));
    push_date(b, &c, b'/');
    b.push(b' ');
    push_hms(b, &c);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn render(mut f: impl FnMut(&mut Vec<u8>)) -> String {
        let mut b = Vec::new();
        f(&mut b);
        String::from_utf8(b).unwrap_or_default()
    }

    #[test]
    fn formats_match_chrono() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        for us in [
            0i64,
            1_790_000_000_123_456,
            1_792_890_000_000_001,
            951_782_400_000_000,
        ] {
            let dt = DateTime::<Utc>::from_timestamp_micros(us).unwrap();
            let local = dt.with_timezone(&berlin);
            let mut z = ZoneClock::new(ZoneSpec::Named(berlin));
            assert_eq!(
                render(|b| rfc3164(b, us, &mut z)),
                local.format("%b %e %H:%M:%S").to_string()
            );
            let mut z = ZoneClock::new(ZoneSpec::Fixed(19_800));
            let ist = dt.with_timezone(&chrono::FixedOffset::east_opt(19_800).unwrap());
            assert_eq!(
                render(|b| rfc3339_micros_offset(b, us, &mut z)),
                ist.format("%Y-%m-%dT%H:%M:%S%.6f%:z").to_string()
            );
            assert_eq!(
                render(|b| rfc3339_utc(b, us, 3)),
                dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
            );
            let mut z = ZoneClock::new(ZoneSpec::Fixed(32_400));
            let jst = dt.with_timezone(&chrono::FixedOffset::east_opt(32_400).unwrap());
            assert_eq!(
                render(|b| clf(b, us, &mut z)),
                jst.format("%d/%b/%Y:%H:%M:%S %z").to_string()
            );
            let mut z = ZoneClock::new(ZoneSpec::Utc);
            assert_eq!(
                render(|b| nginx_error(b, us, &mut z)),
                dt.format("%Y/%m/%d %H:%M:%S").to_string()
            );
        }
        assert_eq!(render(|b| push_pad(b, 7, 3)), "007");
        assert_eq!(render(|b| push_u64(b, 1234567)), "1234567");
        assert_eq!(render(|b| push_offset(b, -16_200, true)), "-04:30");
    }
}
