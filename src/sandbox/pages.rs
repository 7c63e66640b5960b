//! One askama template per sandbox page (under `templates/sandbox/`).

use askama::Template;

use super::data::{self, CabinetData, Operation};

/// `GET /`: what this server is.
#[derive(Template)]
#[template(path = "sandbox/index.html")]
pub struct IndexPage {
    pub demo_client_id: i64,
    pub demo_user_id: i64,
}

/// A short page with a title and one message, e.g. a refused sign-in link.
#[derive(Template)]
#[template(path = "sandbox/message.html")]
pub struct MessagePage<'a> {
    pub title: &'a str,
    pub message: &'a str,
    pub hint: &'a str,
}

/// `GET /cabinet/`: the customer's cabinet.
#[derive(Template)]
#[template(path = "sandbox/cabinet.html")]
pub struct CabinetPage {
    pub client_name: String,
    pub client_id: i64,
    pub balance: String,
    pub subscriptions: Vec<SubscriptionRow>,
    pub documents: Vec<DocumentRow>,
    /// The newest few operations, always shown.
    pub recent: Vec<OperationRow>,
    /// Every operation, shown when the customer expands the section.
    pub all: Vec<OperationRow>,
}

pub struct SubscriptionRow {
    pub product: String,
    pub price: String,
    pub status: &'static str,
}

pub struct DocumentRow {
    pub number: String,
    pub title: &'static str,
    pub date: String,
}

pub struct OperationRow {
    pub date: String,
    pub description: String,
    pub amount: String,
    /// `charge` or `payment`, for styling.
    pub kind: &'static str,
}

/// How many operations the cabinet shows before it is expanded.
const RECENT_OPERATIONS: usize = 5;

impl CabinetPage {
    /// The cabinet of one client.
    pub fn new(client_id: i64, name: &str, balance_cents: i64, cabinet: &CabinetData) -> Self {
        let all: Vec<OperationRow> = cabinet.operations.iter().map(operation_row).collect();
        let recent = cabinet
            .operations
            .iter()
            .take(RECENT_OPERATIONS)
            .map(operation_row)
            .collect();
        Self {
            client_name: name.to_owned(),
            client_id,
            balance: data::money(balance_cents),
            subscriptions: cabinet
                .subscriptions
                .iter()
                .map(|s| SubscriptionRow {
                    product: s.product.clone(),
                    price: data::money(s.monthly_cents),
                    status: s.status,
                })
                .collect(),
            documents: cabinet
                .documents
                .iter()
                .map(|d| DocumentRow {
                    number: d.number.clone(),
                    title: d.title,
                    date: d.date.clone(),
                })
                .collect(),
            recent,
            all,
        }
    }
}

fn operation_row(operation: &Operation) -> OperationRow {
    OperationRow {
        date: operation.date.clone(),
        description: operation.description.clone(),
        amount: data::money(operation.amount_cents),
        kind: if operation.amount_cents < 0 {
            "charge"
        } else {
            "payment"
        },
    }
}
