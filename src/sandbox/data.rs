//! Made-up cabinet contents of a sandbox client: subscriptions, documents, operations.
//!
//! The numbers derive from the client id, so a given client always shows the same cabinet.

/// One subscription shown in the cabinet.
#[derive(Clone, Debug)]
pub struct Subscription {
    pub product: String,
    pub monthly_cents: i64,
    pub status: &'static str,
}

/// One document (an invoice or an act) shown in the cabinet.
#[derive(Clone, Debug)]
pub struct Document {
    pub number: String,
    pub title: &'static str,
    pub date: String,
}

/// A charge (negative amount) or a payment (positive amount).
#[derive(Clone, Debug)]
pub struct Operation {
    pub date: String,
    pub description: String,
    pub amount_cents: i64,
}

/// Everything the cabinet page shows about one client besides its name.
#[derive(Clone, Debug)]
pub struct CabinetData {
    pub subscriptions: Vec<Subscription>,
    pub documents: Vec<Document>,
    /// Newest first.
    pub operations: Vec<Operation>,
}

const PRODUCTS: [(&str, i64); 4] = [
    ("Cloud storage 100 GB", 4_900),
    ("Team plan, 10 seats", 29_000),
    ("Priority support", 12_000),
    ("SMS notifications", 1_500),
];

/// Made-up but stable cabinet data for the client with this id.
pub fn made_up(client_id: i64) -> CabinetData {
    let seed = client_id.rem_euclid(97);
    let first = (seed % 4) as usize;
    let subscriptions = (0..2)
        .map(|i| {
            let (product, monthly_cents) = PRODUCTS[(first + i) % PRODUCTS.len()];
            Subscription {
                product: product.to_owned(),
                monthly_cents,
                status: if i == 0 { "active" } else { "paused" },
            }
        })
        .collect::<Vec<_>>();

    let monthly_total: i64 = subscriptions.iter().map(|s| s.monthly_cents).sum();
    let mut operations = Vec::new();
    let mut documents = Vec::new();
    for month in (1..=12u32).rev() {
        let date = format!("2024-{month:02}-01");
        operations.push(Operation {
            date: format!("2024-{month:02}-{:02}", 3 + (seed as u32 + month) % 20),
            description: format!(
                "Payment by bank transfer #{}",
                5000 + seed * 12 + month as i64
            ),
            amount_cents: monthly_total + (seed * 100),
        });
        operations.push(Operation {
            date: date.clone(),
            description: format!("Monthly charge for 2024-{month:02}"),
            amount_cents: -monthly_total,
        });
        if month > 9 {
            documents.push(Document {
                number: format!("INV-{client_id}-{month:02}"),
                title: "Invoice",
                date,
            });
        }
    }

    CabinetData {
        subscriptions,
        documents,
        operations,
    }
}

/// Formats cents as money, e.g. `-1 234.50`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{:02}", abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands_and_keeps_the_sign() {
        assert_eq!(money(0), "0.00");
        assert_eq!(money(-123_450), "-1 234.50");
        assert_eq!(money(100_000_005), "1 000 000.05");
    }

    #[test]
    fn made_up_data_is_stable_and_long_enough_to_expand() {
        let first = made_up(101);
        let again = made_up(101);

        assert_eq!(first.operations.len(), 24);
        assert_eq!(
            first.operations[0].description,
            again.operations[0].description
        );
        assert_eq!(first.subscriptions.len(), 2);
    }
}
