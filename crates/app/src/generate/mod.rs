//! The project's own data generator: a city's unit tree, one user per role, categories, campaigns,
//! and citizen feedback in varied Chinese where many people report the same issue in their own
//! words. `demo` drives hundreds of problems through the real use cases into every state; `bulk`
//! loads hundreds of thousands of rows directly for the benchmarks.

mod corpus;
mod real;

use crate::feedback::new_tracking_code;
use crate::problems::NewProblemInput;
use crate::transitions::TransitionInput;
use crate::users::NewUserInput;
use crate::{Actor, App, Settings};
use chrono::{DateTime, Duration, Utc};
use corpus::{CATEGORIES, ISSUES, Issue};
use domain::access::Principal;
use domain::unit::UnitPath;
use domain::user::Role;
use domain::{Clock, Error, FixedClock, ProblemId, Result, UnitId, UserId};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::sync::Arc;
use store::feedback::FeedbackRow;
use store::problems::ProblemRow;

pub use real::{RealColumns, read_messages};

/// The departments under the city, in the order categories point at them.
pub(crate) const DEPARTMENTS: [&str; 12] = [
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

const STREET_OFFICES: [&str; 3] = ["街道办事处（一）", "街道办事处（二）", "街道办事处（三）"];

/// How much to generate.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub feedback: usize,
    pub problems: usize,
    pub seed: u64,
    /// How many days back the campaign started.
    pub days: i64,
}

impl Default for DemoSpec {
    fn default() -> Self {
        Self {
            feedback: 4000,
            problems: 400,
            seed: 2026,
            days: 120,
        }
    }
}

/// A login the demo made.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub unit: String,
}

/// The skeleton every generated install shares.
struct Base {
    root: UnitId,
    departments: Vec<UnitId>,
    districts: Vec<UnitId>,
    categories: Vec<i64>,
    campaign: i64,
    office: Actor,
    supervisor: Actor,
    /// Per department: its liaison and its leader.
    dept_staff: Vec<(Actor, Actor)>,
    logins: Vec<DemoLogin>,
}

fn principal_actor(
    user_id: i64,
    username: &str,
    role: Role,
    unit: UnitId,
    path: &str,
) -> Result<Actor> {
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

async fn build_base(app: &App, started: DateTime<Utc>) -> Result<Base> {
    let system = Actor::System("demo");
    let root = app.create_unit(&system, None, "临江市", Some("LJ")).await?;
    let mut departments = Vec::new();
    for (i, name) in DEPARTMENTS.iter().enumerate() {
        departments.push(
            app.create_unit(
                &system,
                Some(UnitId::new(root.id)),
                name,
                Some(&format!("D{:02}", i + 1)),
            )
            .await?,
        );
    }
    let mut districts = Vec::new();
    for (i, name) in corpus::DISTRICTS.iter().enumerate() {
        let d = app
            .create_unit(
                &system,
                Some(UnitId::new(root.id)),
                name,
                Some(&format!("Q{:02}", i + 1)),
            )
            .await?;
        for (j, s) in STREET_OFFICES.iter().enumerate() {
            let street = format!("{}{}", name.trim_end_matches(['区', '县']), s);
            app.create_unit(
                &system,
                Some(UnitId::new(d.id)),
                &street,
                Some(&format!("Q{:02}S{}", i + 1, j + 1)),
            )
            .await?;
        }
        districts.push(d);
    }
    let mut logins = Vec::new();
    let make_user = |username: &str, display: &str, role: Role, unit: &crate::views::UnitView| {
        let input = NewUserInput {
            username: username.into(),
            display_name: display.into(),
            role: role.as_str().into(),
            unit_id: unit.id,
            password: demo_password(username),
        };
        (input, role, unit.clone())
    };
    let mut planned = vec![
        make_user("admin", "系统管理员", Role::Admin, &root),
        make_user("office", "专班办公室 王敏", Role::Office, &root),
        make_user("supervisor", "督导组 李强", Role::Supervisor, &root),
        make_user(
            "liaison",
            "住建局联络员 张伟",
            Role::Liaison,
            &departments[0],
        ),
        make_user(
            "leader",
            "住建局分管领导 刘洋",
            Role::Viewer,
            &departments[0],
        ),
        make_user("viewer", "东城区 陈静", Role::Viewer, &districts[0]),
    ];
    for (i, d) in departments.iter().enumerate().skip(1) {
        planned.push(make_user(
            &format!("liaison{:02}", i + 1),
            &format!("{}联络员", d.name),
            Role::Liaison,
            d,
        ));
        planned.push(make_user(
            &format!("leader{:02}", i + 1),
            &format!("{}分管领导", d.name),
            Role::Viewer,
            d,
        ));
    }
    let mut actors = std::collections::HashMap::new();
    for (input, role, unit) in &planned {
        let user = app.create_user(&system, input).await?;
        actors.insert(
            input.username.clone(),
            principal_actor(
                user.id,
                &input.username,
                *role,
                UnitId::new(unit.id),
                &unit.path,
            )?,
        );
        if !input.username.ends_with(|c: char| c.is_ascii_digit()) {
            logins.push(DemoLogin {
                username: input.username.clone(),
                password: input.password.clone(),
                role: *role,
                unit: unit.name.clone(),
            });
        }
    }
    let take = |name: &str| {
        actors
            .get(name)
            .cloned()
            .ok_or_else(|| Error::Internal(format!("demo user {name} missing")))
    };
    let mut dept_staff = vec![(take("liaison")?, take("leader")?)];
    for i in 1..departments.len() {
        dept_staff.push((
            take(&format!("liaison{:02}", i + 1))?,
            take(&format!("leader{:02}", i + 1))?,
        ));
    }
    let mut categories: Vec<i64> = Vec::new();
    for (name, parent, _) in CATEGORIES {
        let limits = if parent.is_none() {
            vec![
                crate::categories::LimitInput {
                    kind: "consult".into(),
                    sign_days: 1,
                    response_days: 1,
                    completion_days: 3,
                    callback_days: 2,
                },
                crate::categories::LimitInput {
                    kind: "complaint".into(),
                    sign_days: 1,
                    response_days: 2,
                    completion_days: 13,
                    callback_days: 3,
                },
            ]
        } else {
            vec![]
        };
        let input = crate::categories::CategoryInput {
            parent_id: parent.map(|p| categories[p]),
            name: name.into(),
            limits,
        };
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
                phases: vec![
                    "动员部署".into(),
                    "调查研究".into(),
                    "检视整改".into(),
                    "总结评估".into(),
                ],
                goals: Some(
                    "聚焦群众反映强烈的突出问题，建立问题清单，逐项整改销号，健全长效机制。".into(),
                ),
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
        root: UnitId::new(root.id),
        departments: departments.iter().map(|d| UnitId::new(d.id)).collect(),
        districts: districts.iter().map(|d| UnitId::new(d.id)).collect(),
        categories,
        campaign: campaign.id,
        office: take("office")?,
        supervisor: take("supervisor")?,
        dept_staff,
        logins,
    })
}

/// How many people report one issue: mostly one or two, now and then dozens.
fn reports_per_issue(rng: &mut StdRng) -> usize {
    let r: f64 = rng.random_range(0.0..1.0);
    if r < 0.55 {
        1
    } else if r < 0.8 {
        rng.random_range(2..4)
    } else if r < 0.97 {
        rng.random_range(4..12)
    } else {
        rng.random_range(15..45)
    }
}

/// One generated message, before it is stored.
pub(crate) struct Generated {
    pub title: String,
    pub body: String,
    pub issue: usize,
    pub at: DateTime<Utc>,
    pub likes: i64,
}

/// Generates `count` messages about issues, each issue reported by one or many people. Returns the
/// messages and, for each, the index of its true issue (for grouping quality figures).
pub(crate) fn messages(
    rng: &mut StdRng,
    count: usize,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> (Vec<Generated>, Vec<Issue>) {
    let span = (to - from).num_seconds().max(1);
    let mut out = Vec::with_capacity(count);
    let mut issues = Vec::new();
    while out.len() < count {
        let issue = corpus::new_issue(rng);
        let n = reports_per_issue(rng).min(count - out.len());
        let first = rng.random_range(0..span);
        for _ in 0..n {
            let (title, body) = corpus::message(rng, &issue);
            let offset = (first + rng.random_range(0..(86_400 * 20))).min(span - 1);
            let likes = if rng.random_bool(0.3) {
                rng.random_range(0..50)
            } else {
                0
            };
            out.push(Generated {
                title,
                body,
                issue: issues.len(),
                at: from + Duration::seconds(offset),
                likes,
            });
        }
        issues.push(issue);
    }
    (out, issues)
}

fn feedback_row(
    g: &Generated,
    unit: UnitId,
    campaign: i64,
    source_key: String,
    rng: &mut StdRng,
) -> Result<FeedbackRow> {
    let channels = [
        "hotline",
        "hotline",
        "hotline",
        "portal",
        "portal",
        "letter_visit",
        "research",
        "self_inspection",
    ];
    let kind = ISSUES
        .get(g.issue % ISSUES.len())
        .map(|k| k.kind)
        .unwrap_or("complaint");
    Ok(FeedbackRow {
        id: 0,
        campaign_id: Some(campaign),
        unit_id: unit.get(),
        channel: channels[rng.random_range(0..channels.len())].into(),
        kind: kind.into(),
        title: Some(g.title.clone()),
        body: g.body.clone(),
        received_at: g.at,
        reporter_name: Some(format!(
            "{}先生",
            ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"][rng.random_range(0..8)]
        )),
        reporter_contact: Some(format!(
            "1{}{:08}",
            rng.random_range(30..90),
            rng.random_range(0..100_000_000)
        )),
        address: None,
        latitude: None,
        longitude: None,
        likes: g.likes,
        dislikes: 0,
        source: Some("generator".into()),
        source_key: Some(source_key),
        tracking_code: new_tracking_code()?.as_str().to_string(),
        rating_key_hash: None,
        problem_id: None,
        created_by: None,
        created_at: g.at,
        updated_at: g.at,
    })
}

/// A one-pixel PNG, as a photo of the rectified site.
const SITE_PHOTO: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0xa8, 0x60, 0x00,
    0x00, 0x00, 0x82, 0x00, 0x81, 0x2a, 0x9a, 0x3a, 0x7a, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// Where a generated problem ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    New,
    Dismissed,
    Assigned,
    Extended,
    LeaderStage,
    VerifierStage,
    SentBack,
    Closed,
    ClosedRated,
    Reopened,
    Merged,
}

fn fate(rng: &mut StdRng) -> Fate {
    let r = rng.random_range(0..100);
    match r {
        0..8 => Fate::New,
        8..12 => Fate::Dismissed,
        12..35 => Fate::Assigned,
        35..42 => Fate::Extended,
        42..49 => Fate::LeaderStage,
        49..55 => Fate::VerifierStage,
        55..63 => Fate::SentBack,
        63..83 => Fate::Closed,
        83..92 => Fate::ClosedRated,
        92..97 => Fate::Reopened,
        _ => Fate::Merged,
    }
}

/// Fills an empty install with the demo: units, users, categories, two campaigns, `spec.feedback`
/// generated messages (or the real ones given), and `spec.problems` problems driven through the
/// workflow into every state. Returns the logins to print.
pub async fn demo(
    app: &App,
    spec: &DemoSpec,
    real_messages: Option<Vec<real::RealMessage>>,
) -> Result<Vec<DemoLogin>> {
    let now = app.clock.now();
    let started = now - Duration::days(spec.days);
    let clock = Arc::new(FixedClock::new(started));
    let settings = Settings {
        ..(*app.settings).clone()
    };
    let past = App::new(app.db.clone(), clock.clone(), settings);
    let base = build_base(&past, started).await?;
    let mut rng = StdRng::seed_from_u64(spec.seed);

    // Feedback, grouped by true issue so that problems are made from the reports of one issue.
    let mut rows = Vec::new();
    let mut issue_of_row = Vec::new();
    match real_messages {
        Some(real) => {
            for (i, m) in real.iter().enumerate() {
                let g = Generated {
                    title: m.title.clone().unwrap_or_default(),
                    body: m.text.clone(),
                    issue: i,
                    at: m.at.unwrap_or(now),
                    likes: m.likes,
                };
                let mut row = feedback_row(&g, base.root, base.campaign, m.id.clone(), &mut rng)?;
                row.title = m.title.clone();
                row.source = Some(m.source.clone());
                row.reporter_name = None;
                row.reporter_contact = None;
                rows.push(row);
                issue_of_row.push(i);
            }
        }
        None => {
            let (generated, _) =
                messages(&mut rng, spec.feedback, started, now - Duration::days(2));
            for (i, g) in generated.iter().enumerate() {
                rows.push(feedback_row(
                    g,
                    base.root,
                    base.campaign,
                    format!("demo-{i}"),
                    &mut rng,
                )?);
                issue_of_row.push(g.issue);
            }
        }
    }
    let mut tx = past.db.begin().await?;
    store::bulk::insert_feedback_rows(&mut tx.conn(), &rows).await?;
    let count = rows.len();
    crate::audit::record::<(), _>(
        &mut tx.conn(),
        now,
        &Actor::System("demo"),
        "feedback.bulk_import",
        "feedback",
        None,
        None,
        Some(&serde_json::json!({ "count": count, "source": rows.first().and_then(|r| r.source.clone()) })),
    )
    .await?;
    past.commit(tx).await?;

    // The stored ids, in insertion order, grouped by issue; the most-reported issues first.
    let (stored, _) = {
        let mut pooled = past.db.acquire().await?;
        store::feedback::list_feedback(
            &mut pooled.conn(),
            &store::feedback::FeedbackFilter {
                limit: i64::try_from(count).unwrap_or(i64::MAX),
                ..Default::default()
            },
        )
        .await?
    };
    let mut ids: Vec<(i64, DateTime<Utc>)> = stored.iter().map(|f| (f.id, f.received_at)).collect();
    ids.sort_by_key(|(id, _)| *id);
    let mut by_issue: std::collections::BTreeMap<usize, Vec<(i64, DateTime<Utc>)>> =
        Default::default();
    for ((id, at), issue) in ids.into_iter().zip(issue_of_row.iter()) {
        by_issue.entry(*issue).or_default().push((id, at));
    }
    let mut groups: Vec<Vec<(i64, DateTime<Utc>)>> = by_issue.into_values().collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    groups.truncate(spec.problems);
    groups.sort_by_key(|g| g.iter().map(|(_, at)| *at).min());

    let mut made: Vec<ProblemId> = Vec::new();
    for (n, group) in groups.iter().enumerate() {
        let first_at = group.iter().map(|(_, at)| *at).min().unwrap_or(started);
        clock.set((first_at + Duration::hours(rng.random_range(2..30))).min(now));
        let f = {
            let mut pooled = past.db.acquire().await?;
            store::feedback::get_feedback(&mut pooled.conn(), domain::FeedbackId::new(group[0].0))
                .await?
        };
        let Some(f) = f else { continue };
        let issue_kind = issue_of_row
            .get(
                usize::try_from(group[0].0 - stored.iter().map(|s| s.id).min().unwrap_or(1))
                    .unwrap_or(0),
            )
            .copied();
        let cat_index = issue_kind
            .and_then(|i| ISSUES.get(i % ISSUES.len()))
            .map(|k| k.category)
            .unwrap_or(rng.random_range(0..CATEGORIES.len()));
        let dept = CATEGORIES[cat_index].2;
        let input = NewProblemInput {
            campaign_id: base.campaign,
            title: f
                .title
                .clone()
                .unwrap_or_else(|| f.body.chars().take(30).collect()),
            description: f.body.clone(),
            category_id: Some(base.categories[cat_index]),
            channel: f.channel.clone(),
            kind: Some(f.kind.clone()),
            priority: Some(if group.len() > 10 { "high" } else { "normal" }.into()),
            rectification_type: Some(
                if rng.random_bool(0.15) {
                    "immediate"
                } else if rng.random_bool(0.1) {
                    "ongoing"
                } else {
                    "deadline"
                }
                .into(),
            ),
            owner_unit_id: None,
            feedback_ids: group.iter().map(|(id, _)| *id).collect(),
            received_on: Some(domain::clock::china_date(first_at)),
        };
        let id = past.insert_problem(&base.office, &input).await?;
        let (liaison, leader) = &base.dept_staff[dept];
        let ff = fate(&mut rng);
        drive(
            &past, &clock, now, &base, liaison, leader, id, ff, &made, &mut rng, n,
        )
        .await?;
        made.push(id);
    }
    Ok(base.logins)
}

async fn version(app: &App, id: ProblemId) -> Result<i64> {
    let mut pooled = app.db.acquire().await?;
    Ok(store::problems::get_problem(&mut pooled.conn(), id)
        .await?
        .map(|r| r.version)
        .unwrap_or(0))
}

async fn act(app: &App, actor: &Actor, id: ProblemId, mut t: TransitionInput) -> Result<()> {
    t.version = version(app, id).await?;
    app.apply_transition(actor, id, &t).await
}

fn step(clock: &FixedClock, now: DateTime<Utc>, rng: &mut StdRng, max_days: i64) {
    let at = clock.now() + Duration::hours(rng.random_range(4..(24 * max_days.max(1))));
    clock.set(at.min(now - Duration::hours(1)));
}

#[allow(clippy::too_many_arguments)]
async fn drive(
    app: &App,
    clock: &FixedClock,
    now: DateTime<Utc>,
    base: &Base,
    liaison: &Actor,
    leader: &Actor,
    id: ProblemId,
    fate: Fate,
    earlier: &[ProblemId],
    rng: &mut StdRng,
    n: usize,
) -> Result<()> {
    let t = |action: &str| TransitionInput {
        action: action.into(),
        ..TransitionInput::default()
    };
    match fate {
        Fate::New => return Ok(()),
        Fate::Dismissed => {
            return act(
                app,
                &base.office,
                id,
                TransitionInput {
                    reason: Some(
                        "经核实，该诉求不属于本次专项工作受理范围，已告知来电人向相关渠道反映。"
                            .into(),
                    ),
                    ..t("dismiss")
                },
            )
            .await;
        }
        Fate::Merged => {
            if let Some(target) = earlier.iter().rev().take(20).nth(rng.random_range(0..3)) {
                let ok = act(
                    app,
                    &base.office,
                    id,
                    TransitionInput {
                        target_problem_id: Some(target.get()),
                        reason: Some("与已有问题属同一事项".into()),
                        ..t("merge")
                    },
                )
                .await;
                if ok.is_ok() {
                    return Ok(());
                }
            }
        }
        _ => {}
    }
    step(clock, now, rng, 2);
    let leader_id = leader.user_id();
    let lead_unit = liaison.principal().map(|p| p.unit_id.get());
    let cooperating = if rng.random_bool(0.3) {
        Some(vec![base.districts[n % base.districts.len()].get()])
    } else {
        None
    };
    act(
        app,
        &base.office,
        id,
        TransitionInput {
            lead_unit_id: lead_unit,
            responsible_leader_id: leader_id,
            responsible_person: Some("科长 周涛".into()),
            cooperating_unit_ids: cooperating,
            ..t("assign")
        },
    )
    .await?;
    step(clock, now, rng, 3);
    for m in 0..rng.random_range(1..4) {
        let deadline = clock.today() + Duration::days(rng.random_range(2..25));
        app.add_measure(
            liaison,
            id,
            &crate::rectification::MeasureInput {
                description: corpus::MEASURES[(n + m) % corpus::MEASURES.len()].into(),
                owner_unit_id: None,
                owner_name: Some("周涛".into()),
                deadline: Some(deadline),
                status: Some(if m == 0 { "in_progress" } else { "planned" }.into()),
            },
        )
        .await?;
    }
    let reply = corpus::REPLIES[n % corpus::REPLIES.len()];
    app.update_problem(
        liaison,
        id,
        &crate::problems::ProblemPatch {
            version: version(app, id).await?,
            root_cause: Some(Some("日常监管不到位，相关主体责任落实不力。".into())),
            public_reply: Some(Some(reply.into())),
            ..Default::default()
        },
    )
    .await
    .map(|_| ())?;
    match fate {
        Fate::Assigned => return Ok(()),
        Fate::Extended => {
            step(clock, now, rng, 4);
            let current = {
                let mut pooled = app.db.acquire().await?;
                store::problems::get_problem(&mut pooled.conn(), id)
                    .await?
                    .and_then(|r| r.deadline)
            };
            let new_deadline = current.unwrap_or(clock.today()).max(clock.today())
                + Duration::days(rng.random_range(10..30));
            act(
                app,
                liaison,
                id,
                TransitionInput {
                    new_deadline: Some(new_deadline),
                    reason: Some("涉及多个部门协调，需延长整改时限。".into()),
                    ..t("request_extension")
                },
            )
            .await?;
            if rng.random_bool(0.7) {
                step(clock, now, rng, 2);
                act(
                    app,
                    &base.office,
                    id,
                    TransitionInput {
                        approve: Some(true),
                        note: Some("同意延期".into()),
                        ..t("decide_extension")
                    },
                )
                .await?;
            }
            return Ok(());
        }
        _ => {}
    }
    step(clock, now, rng, 6);
    if rng.random_bool(0.8) {
        app.add_evidence(
            liaison,
            id,
            "整改现场照片.png",
            SITE_PHOTO,
            Some("整改后现场"),
        )
        .await?;
    }
    let with_evidence = {
        let mut pooled = app.db.acquire().await?;
        store::rectification::count_evidence(&mut pooled.conn(), id).await? > 0
    };
    let submit = || TransitionInput {
        report: Some("已按整改措施完成整改，现场问题已消除，申请销号。".into()),
        no_evidence_reason: (!with_evidence).then(|| "整改为制度完善类，无现场佐证材料。".into()),
        ..t("submit")
    };
    act(app, liaison, id, submit()).await?;
    if fate == Fate::LeaderStage {
        return Ok(());
    }
    step(clock, now, rng, 2);
    act(
        app,
        leader,
        id,
        TransitionInput {
            note: Some("同意".into()),
            ..t("approve")
        },
    )
    .await?;
    if fate == Fate::VerifierStage {
        return Ok(());
    }
    step(clock, now, rng, 3);
    if fate == Fate::SentBack || rng.random_bool(0.15) {
        act(
            app,
            &base.supervisor,
            id,
            TransitionInput {
                reason: Some("佐证材料不充分，请补充整改前后对比照片。".into()),
                ..t("send_back")
            },
        )
        .await?;
        if fate == Fate::SentBack {
            return Ok(());
        }
        step(clock, now, rng, 3);
        act(app, liaison, id, submit()).await?;
        step(clock, now, rng, 1);
        act(
            app,
            leader,
            id,
            TransitionInput {
                note: Some("同意".into()),
                ..t("approve")
            },
        )
        .await?;
        step(clock, now, rng, 2);
    }
    act(
        app,
        &base.supervisor,
        id,
        TransitionInput {
            note: Some("经实地核查，整改到位，群众认可。".into()),
            ..t("accept")
        },
    )
    .await?;
    if rng.random_bool(0.6) {
        act(app, &base.office, id, t("publish")).await?;
    }
    if matches!(fate, Fate::ClosedRated | Fate::Reopened) {
        step(clock, now, rng, 3);
        let dissatisfied = fate == Fate::Reopened;
        act(
            app,
            &base.office,
            id,
            TransitionInput {
                solved: Some(!dissatisfied),
                satisfaction: Some(
                    if dissatisfied {
                        "dissatisfied"
                    } else if rng.random_bool(0.7) {
                        "satisfied"
                    } else {
                        "basic"
                    }
                    .into(),
                ),
                comment: Some(
                    if dissatisfied {
                        "问题没有根本解决，晚上还是很吵。"
                    } else {
                        "处理及时，谢谢。"
                    }
                    .into(),
                ),
                ..t("callback")
            },
        )
        .await?;
    }
    Ok(())
}

/// How much `bulk` loads.
#[derive(Debug, Clone)]
pub struct BulkSpec {
    pub problems: usize,
    pub feedback: usize,
    pub seed: u64,
}

/// Loads an empty install with the skeleton and then `spec.problems` problems and `spec.feedback`
/// feedback straight into the tables, for the benchmarks. Calls `progress` with rows done.
pub async fn bulk(
    app: &App,
    spec: &BulkSpec,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<DemoLogin>> {
    let now = app.clock.now();
    let started = now - Duration::days(365);
    let base = build_base(app, started).await?;
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let statuses = [
        "new",
        "assigned",
        "assigned",
        "assigned",
        "submitted",
        "closed",
        "closed",
        "closed",
        "dismissed",
        "merged",
    ];
    let first_id = {
        let mut pooled = app.db.acquire().await?;
        store::bulk::max_problem_id(&mut pooled.conn()).await? + 1
    };
    let year = chrono::Datelike::year(&app.clock.today());
    let start_number = {
        let mut tx = app.db.begin().await?;
        let n = store::campaigns::reserve_numbers(
            &mut tx.conn(),
            "ZT",
            year,
            i64::try_from(spec.problems).unwrap_or(0),
        )
        .await?;
        app.commit(tx).await?;
        n
    };
    let total = spec.problems + spec.feedback;
    let chunk = 20_000;
    let mut done = 0;
    let mut i = 0;
    while i < spec.problems {
        let end = (i + chunk).min(spec.problems);
        let (batch, _) = messages(&mut rng, end - i, started, now);
        let mut rows = Vec::with_capacity(end - i);
        for (k, g) in batch.iter().enumerate() {
            let n = i + k;
            let status = statuses[rng.random_range(0..statuses.len())];
            let dept = rng.random_range(0..base.departments.len());
            let created = g.at;
            let assigned = status != "new" && status != "dismissed";
            let deadline = assigned.then(|| {
                domain::clock::china_date(created) + Duration::days(rng.random_range(5..120))
            });
            rows.push(ProblemRow {
                id: first_id + i64::try_from(n).unwrap_or(0),
                number: format!(
                    "ZT-{year}-{:06}",
                    start_number + i64::try_from(n).unwrap_or(0)
                ),
                campaign_id: base.campaign,
                owner_unit_id: base.root.get(),
                title: g.title.clone(),
                description: g.body.clone(),
                category_id: Some(base.categories[rng.random_range(0..base.categories.len())]),
                channel: "hotline".into(),
                kind: "complaint".into(),
                priority: "normal".into(),
                rectification_type: "deadline".into(),
                status: status.into(),
                signoff_stage: (status == "submitted").then(|| "leader".into()),
                lead_unit_id: assigned.then(|| base.departments[dept].get()),
                responsible_leader_id: base.dept_staff[dept].1.user_id().filter(|_| assigned),
                responsible_person: None,
                deadline,
                original_deadline: deadline,
                extension_count: 0,
                root_cause: None,
                public_reply: None,
                verification_note: None,
                solved: None,
                satisfaction: None,
                published: status == "closed" && rng.random_bool(0.5),
                published_at: None,
                excluded_from_scoring: false,
                exclusion_reason: None,
                manual_colour: None,
                manual_colour_reason: None,
                awaiting_resubmission: false,
                next_measure_deadline: None,
                sent_back_count: 0,
                reopen_count: 0,
                merged_into_id: None,
                dismiss_reason: None,
                closed_without_evidence: false,
                received_on: domain::clock::china_date(created),
                assigned_at: assigned.then_some(created),
                submitted_at: None,
                closed_at: (status == "closed").then_some(created + Duration::days(10)),
                created_by: None,
                created_at: created,
                updated_at: created,
                version: 1,
            });
        }
        let mut tx = app.db.begin().await?;
        store::bulk::insert_problem_rows(&mut tx.conn(), &rows).await?;
        app.commit(tx).await?;
        done += rows.len();
        progress(done, total);
        i = end;
    }
    {
        let mut tx = app.db.begin().await?;
        store::bulk::resync_problem_ids(&mut tx.conn()).await?;
        app.commit(tx).await?;
    }
    let mut i = 0;
    while i < spec.feedback {
        let end = (i + chunk).min(spec.feedback);
        let (batch, _) = messages(&mut rng, end - i, started, now);
        let mut rows = Vec::with_capacity(end - i);
        for (k, g) in batch.iter().enumerate() {
            let unit = if rng.random_bool(0.5) {
                base.root
            } else {
                base.districts[rng.random_range(0..base.districts.len())]
            };
            let mut row =
                feedback_row(g, unit, base.campaign, format!("bulk-{}", i + k), &mut rng)?;
            if spec.problems > 0 && rng.random_bool(0.6) {
                row.problem_id =
                    Some(first_id + rng.random_range(0..i64::try_from(spec.problems).unwrap_or(1)));
            }
            rows.push(row);
        }
        let mut tx = app.db.begin().await?;
        store::bulk::insert_feedback_rows(&mut tx.conn(), &rows).await?;
        app.commit(tx).await?;
        done += rows.len();
        progress(done, total);
        i = end;
    }
    let mut tx = app.db.begin().await?;
    crate::audit::record::<(), _>(
        &mut tx.conn(),
        now,
        &Actor::System("bulk"),
        "generate.bulk",
        "install",
        None,
        None,
        Some(&serde_json::json!({ "problems": spec.problems, "feedback": spec.feedback, "seed": spec.seed })),
    )
    .await?;
    store::bulk::analyze(&mut tx.conn()).await?;
    app.commit(tx).await?;
    Ok(base.logins)
}
