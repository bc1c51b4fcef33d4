//! The skeleton every generated install shares: a city with a dozen departments and five districts
//! with their street offices, one user per role (and a liaison and a leader per department),
//! categories with time limits and two campaigns.

use super::DemoLogin;
use super::corpus::CATEGORIES;
use crate::users::NewUserInput;
use crate::{Actor, App};
use chrono::{DateTime, Utc};
use domain::access::Principal;
use domain::feedback::FeedbackKind;
use domain::unit::UnitPath;
use domain::user::Role;
use domain::{CampaignId, CategoryId, Error, Result, UnitId, UserId};

/// The departments under the city, in the order categories point at them.
const DEPARTMENTS: [&str; 12] = [
    "市住房和城乡建设局",
    "市生态环境局",
    "市交通运输局",
    "市教育局",
    "市人力资源和社会保障局",
    "市卫生健康委员会",
    "市市场监督管理局",
    "市城市管理和综合执法局",
    "市自然资源和规划局",
    "市民政局",
    "市公安局",
    "市商务局",
];

/// How many departments' liaisons and leaders the demo lists among its logins.
const SHOWN_DEPARTMENTS: usize = 4;

const STREET_OFFICES: [&str; 3] = ["街道办事处（一）", "街道办事处（二）", "街道办事处（三）"];

/// The skeleton every generated install shares.
pub(super) struct Base {
    pub(super) root: UnitId,
    pub(super) departments: Vec<UnitId>,
    pub(super) districts: Vec<UnitId>,
    pub(super) categories: Vec<CategoryId>,
    pub(super) campaign: CampaignId,
    pub(super) office: Actor,
    pub(super) supervisor: Actor,
    /// Per department: its liaison and its leader.
    pub(super) dept_staff: Vec<(Actor, Actor)>,
    pub(super) logins: Vec<DemoLogin>,
}

fn principal_actor(user_id: i64, username: &str, role: Role, unit: UnitId, path: &str) -> Result<Actor> {
    Ok(Actor::User {
        principal: Principal {
            user_id: UserId::new(user_id),
            role,
            unit_id: unit,
            unit_path: UnitPath::parse(path)?,
            token_scope: None,
        },
        username: username.to_string(),
    })
}

/// The demo's password for a login: shown once in the terminal, for a demo on 127.0.0.1 only.
fn demo_password(username: &str) -> String {
    format!("{username}-zhenggai-2026")
}

pub(super) async fn build_base(app: &App, started: DateTime<Utc>) -> Result<Base> {
    let system = Actor::System("demo");
    let root = app.create_unit(&system, None, "临江市", Some("LJ")).await?;
    let mut departments = Vec::new();
    for (i, name) in DEPARTMENTS.iter().enumerate() {
        departments.push(app.create_unit(&system, Some(root.id), name, Some(&format!("D{:02}", i + 1))).await?);
    }
    let mut districts = Vec::new();
    for (i, name) in super::names::DISTRICTS.iter().enumerate() {
        let d = app.create_unit(&system, Some(root.id), name, Some(&format!("Q{:02}", i + 1))).await?;
        for (j, s) in STREET_OFFICES.iter().enumerate() {
            let street = format!("{}{}", name.trim_end_matches(['区', '县']), s);
            app.create_unit(&system, Some(d.id), &street, Some(&format!("Q{:02}S{}", i + 1, j + 1))).await?;
        }
        districts.push(d);
    }
    let mut logins = Vec::new();
    let make_user = |username: &str, display: &str, role: Role, unit: &crate::views::UnitView| {
        let input = NewUserInput {
            username: username.into(),
            display_name: display.into(),
            role,
            unit_id: unit.id,
            password: demo_password(username),
        };
        (input, role, unit.clone())
    };
    let mut planned = vec![
        make_user("admin", "系统管理员", Role::Admin, &root),
        make_user("office", "专班办公室 王敏", Role::Office, &root),
        make_user("supervisor", "督导组 李强", Role::Supervisor, &root),
        make_user("liaison", "住建局联络员 张伟", Role::Liaison, &departments[0]),
        make_user("leader", "住建局分管领导 刘洋", Role::Leader, &departments[0]),
        make_user("viewer", "东城区 陈静", Role::Viewer, &districts[0]),
    ];
    for (i, d) in departments.iter().enumerate().skip(1) {
        planned.push(make_user(&format!("liaison{:02}", i + 1), &format!("{}联络员", d.name), Role::Liaison, d));
        planned.push(make_user(&format!("leader{:02}", i + 1), &format!("{}分管领导", d.name), Role::Leader, d));
    }
    let mut actors = std::collections::HashMap::new();
    for (input, role, unit) in &planned {
        let user = app.create_user(&system, input).await?;
        actors.insert(
            input.username.clone(),
            principal_actor(user.id.get(), &input.username, *role, unit.id, &unit.path)?,
        );
        // The logins shown: the main ones, and the liaisons and leaders of the first few
        // departments, so that problems of different kinds can be walked through by their own units.
        let number: Option<usize> = input.username.trim_start_matches(|c: char| c.is_ascii_alphabetic()).parse().ok();
        if number.is_none_or(|n| n <= SHOWN_DEPARTMENTS) {
            logins.push(DemoLogin {
                username: input.username.clone(),
                password: input.password.clone(),
                role: *role,
                unit: unit.name.clone(),
            });
        }
    }
    let take =
        |name: &str| actors.get(name).cloned().ok_or_else(|| Error::internal(format!("demo user {name} missing")));
    let mut dept_staff = vec![(take("liaison")?, take("leader")?)];
    for i in 1..departments.len() {
        dept_staff.push((take(&format!("liaison{:02}", i + 1))?, take(&format!("leader{:02}", i + 1))?));
    }
    let mut categories: Vec<CategoryId> = Vec::new();
    for (name, parent, _) in CATEGORIES {
        let limits = if parent.is_none() {
            vec![
                crate::categories::LimitInput {
                    kind: FeedbackKind::Consult,
                    sign_days: 1,
                    response_days: 1,
                    completion_days: 3,
                    callback_days: 2,
                },
                crate::categories::LimitInput {
                    kind: FeedbackKind::Complaint,
                    sign_days: 1,
                    response_days: 2,
                    completion_days: 13,
                    callback_days: 3,
                },
            ]
        } else {
            vec![]
        };
        let input =
            crate::categories::CategoryInput { parent_id: parent.map(|p| categories[p]), name: name.into(), limits };
        categories.push(app.create_category(&system, &input).await?.id);
    }
    let campaign = app
        .create_campaign(
            &system,
            &crate::campaigns::CampaignInput {
                unit_id: root.id,
                name: "2026年主题教育检视整改".into(),
                kind: "主题教育".into(),
                code_prefix: "ZT".into(),
                starts_on: domain::clock::china_date(started),
                ends_on: None,
                phases: vec!["动员部署".into(), "调查研究".into(), "检视整改".into(), "总结评估".into()],
                goals: Some("聚焦群众反映强烈的突出问题，建立问题清单，逐项整改销号，健全长效机制。".into()),
            },
        )
        .await?;
    app.create_campaign(
        &system,
        &crate::campaigns::CampaignInput {
            unit_id: root.id,
            name: "12345接诉即办".into(),
            kind: "接诉即办".into(),
            code_prefix: "JS".into(),
            starts_on: domain::clock::china_date(started),
            ends_on: None,
            phases: vec![],
            goals: None,
        },
    )
    .await?;
    Ok(Base {
        root: root.id,
        departments: departments.iter().map(|d| d.id).collect(),
        districts: districts.iter().map(|d| d.id).collect(),
        categories,
        campaign: campaign.id,
        office: take("office")?,
        supervisor: take("supervisor")?,
        dept_staff,
        logins,
    })
}
