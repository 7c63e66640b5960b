//! Reading the answer of `GET /api/clients/ID/auth-key/`.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

/// A key must stay valid at least this long to be handed to a browser.
const MIN_REMAINING: time::Duration = time::Duration::seconds(60);

/// PricePlan's `expire_date`, e.g. `2021-06-04 05:17:50.606808+03:00`.
const EXPIRE_DATE: &[BorrowedFormatItem<'static>] = format_description!(
    "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]]\
     [offset_hour sign:mandatory]:[offset_minute]"
);

/// Whether the current key in `data` exists and stays valid long enough.
/// A date that cannot be read counts as expired, so a new key is issued.
pub fn is_usable(data: &Value) -> bool {
    let has_key = data.get("key").and_then(Value::as_str).is_some();
    let expires = data
        .get("expire_date")
        .and_then(Value::as_str)
        .and_then(|date| OffsetDateTime::parse(date, EXPIRE_DATE).ok());
    match expires {
        Some(expires) => has_key && expires - OffsetDateTime::now_utc() > MIN_REMAINING,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn in_future(seconds: i64) -> String {
        let date = OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
        date.format(EXPIRE_DATE).unwrap()
    }

    #[test]
    fn a_key_with_time_left_is_usable() {
        let data = json!({"key": "abcdefgh", "expire_date": in_future(3600)});

        assert!(is_usable(&data));
    }

    #[test]
    fn a_missing_expired_or_unreadable_key_is_not_usable() {
        let cases = [
            json!({"key": null, "expire_date": in_future(3600)}),
            json!({"key": "abcdefgh", "expire_date": in_future(10)}),
            json!({"key": "abcdefgh", "expire_date": "next tuesday"}),
            json!({"key": "abcdefgh"}),
        ];

        for data in cases {
            assert!(!is_usable(&data), "{data}");
        }
    }

    #[test]
    fn the_vendors_documented_date_shape_is_read() {
        let date = OffsetDateTime::parse("2021-06-04 05:17:50.606808+03:00", EXPIRE_DATE);

        assert_eq!(date.unwrap().unix_timestamp(), 1_622_773_070);
    }
}
