//! `zhenggai user add`, `unit import`, `token create`, `audit verify`: the operator's commands.

use super::say;
use crate::cli::{TokenCommand, UnitCommand, UserCommand};
use anyhow::{Context, Result, bail};
use app::{Actor, App};
use domain::UnitId;
use domain::access::TokenScope;
use std::process::ExitCode;

pub(crate) async fn user(app: &App, cmd: UserCommand) -> Result<ExitCode> {
    let UserCommand::Add { username, role, unit, display_name } = cmd;
    let system = Actor::System("cli");
    let units = all_units(app).await?;
    let unit_id = match find_unit(&units, &unit) {
        Some(u) => u,
        None if units.is_empty() => {
            // A fresh install: the first unit named becomes the root of the tree.
            let root = app.create_unit(&system, None, &unit, None).await.map_err(say)?;
            println!("已创建根单位 created the root unit “{}” (id {})", root.name, root.id);
            root.id
        }
        None => {
            let known: Vec<&str> = units.iter().take(10).map(|u| u.name.as_str()).collect();
            bail!("unknown unit \"{unit}\" (known: {}…)", known.join(", "));
        }
    };
    let (password, generated) = match std::env::var("ZHENGGAI_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, false),
        _ => (app::secrets::new_secret("")?.chars().take(16).collect::<String>(), true),
    };
    let input = app::users::NewUserInput {
        username: username.clone(),
        display_name: display_name.unwrap_or_else(|| username.clone()),
        role,
        unit_id,
        password: password.clone(),
    };
    let user = app.create_user(&system, &input).await.map_err(say)?;
    println!("已添加用户 added user {} ({}, {})", user.username, user.role.as_str(), user.unit.name);
    if generated {
        println!("初始密码 initial password: {password}");
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn all_units(app: &App) -> Result<Vec<store::units::UnitRow>> {
    let mut pooled = app.db.acquire().await.map_err(say)?;
    store::units::list_units(&mut pooled.conn()).await.map_err(say)
}

pub(super) fn find_unit(units: &[store::units::UnitRow], key: &str) -> Option<UnitId> {
    units
        .iter()
        .find(|u| u.id.to_string() == key || u.code.as_deref() == Some(key))
        .or_else(|| units.iter().find(|u| u.name == key))
        .map(|u| u.id)
}

pub(crate) async fn unit(app: &App, cmd: UnitCommand) -> Result<ExitCode> {
    let UnitCommand::Import { file } = cmd;
    let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let created = app.import_units(&Actor::System("cli"), text.trim_start_matches('\u{feff}')).await.map_err(say)?;
    println!("已导入 {} 个单位 imported {} units", created.len(), created.len());
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn token(app: &App, cmd: TokenCommand) -> Result<ExitCode> {
    let TokenCommand::Create { user, name, scope, days } = cmd;
    let scope = TokenScope::parse(&scope).map_err(say)?;
    let row = {
        let mut pooled = app.db.acquire().await.map_err(say)?;
        store::users::find_user_by_username(&mut pooled.conn(), &user.to_lowercase()).await.map_err(say)?
    };
    let Some(row) = row else { bail!("unknown user \"{user}\"") };
    let (_, secret) = app.create_token(&Actor::System("cli"), row.id, &name, scope, days).await.map_err(say)?;
    // The token alone on stdout, so that scripts can capture it.
    println!("{secret}");
    let _ = row.unit_id;
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn verify(app: &App) -> Result<ExitCode> {
    let report = app.verify_audit().await.map_err(say)?;
    match &report.first_bad {
        None => {
            println!("审计日志完好 audit log intact: {} rows checked", report.rows_checked);
            Ok(ExitCode::SUCCESS)
        }
        Some(bad) => {
            println!("审计日志被篡改 audit log broken at row {}: {}", bad.seq, bad.reason);
            Ok(ExitCode::from(1))
        }
    }
}
