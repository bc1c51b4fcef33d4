//! The ledger's round trip as offices make it: 1,000 problems exported to .xlsx, four cells changed
//! with a spreadsheet library as a person would (a deadline, a progress note, a new measure row,
//! a changed responsible person), imported: exactly those changes applied, one audit entry each,
//! every other problem's rows as they were. Then the same after LibreOffice re-saves the edited
//! file. openpyxl (Debian's python3-openpyxl) and LibreOffice (libreoffice-calc) are installed by
//! `.ci/run`; elsewhere the test says what is missing and skips, and under `CI=true` fails.

use super::{text, zhenggai};
use app::problems::ProblemQuery;
use app::testkit::{Kind, TestDb};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const PROBLEMS: usize = 1_000;

/// Debian's Python, which has Debian's openpyxl (a `python3` earlier on the PATH, pyenv's say,
/// may not).
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" }
}

/// Whether `program args…` runs; else skip (or fail under CI) saying why.
fn available(program: &str, args: &[&str], package: &str) -> bool {
    let ok = Command::new(program).args(args).output().is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{package} is required under CI=true (.ci/run installs it)");
        }
        eprintln!("skipped: {package} is not installed");
    }
    ok
}

/// The ledger's CSV export as each problem's lines, by number.
fn lines_by_number(url: &str, dir: &Path, name: &str) -> BTreeMap<String, Vec<Vec<String>>> {
    let path = dir.join(name);
    let out = zhenggai(&["--database-url", url, "export", "ledger", "-o", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let bytes = std::fs::read(&path).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let number = reader.headers().unwrap().iter().position(|h| h == "问题编号").unwrap();
    let mut out: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for r in reader.records() {
        let r: Vec<String> = r.unwrap().iter().map(str::to_string).collect();
        out.entry(r[number].clone()).or_default().push(r);
    }
    out
}

fn export_xlsx(url: &str, path: &Path) {
    let out = zhenggai(&["--database-url", url, "export", "ledger", "-o", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
}

fn edit(src: &Path, dst: &Path, edits: &[String]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/edit_ledger.py");
    let out = Command::new(python()).arg(script).arg(src).arg(dst).args(edits).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

/// LibreOffice opens the file and saves it again as .xlsx (into `dir`, under the same name).
fn resave_with_libreoffice(file: &Path, dir: &Path) -> PathBuf {
    let profile = format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "xlsx", "--outdir"])
        .arg(dir)
        .arg(file)
        .output()
        .unwrap();
    let saved = dir.join(file.file_name().unwrap());
    assert!(out.status.success() && saved.exists(), "{}", text(&out));
    saved
}

async fn audit_rows(db: &TestDb) -> i64 {
    db.app.verify_audit().await.unwrap().rows_checked
}

/// Four open problems that have no measure yet, by number: the ones to edit.
async fn targets(db: &TestDb, skip: usize) -> Vec<String> {
    let office = db.app.act_as("office").await.unwrap();
    let query = ProblemQuery {
        status: Some(domain::workflow::Statuses(vec![domain::workflow::Status::Assigned])),
        limit: Some(200),
        ..Default::default()
    };
    let page = db.app.list_problems(&office, &query).await.unwrap();
    let mut out = Vec::new();
    for p in page.items {
        let detail = db.app.get_problem(&office, p.id).await.unwrap();
        if detail.measures.is_empty() && !p.flags.overdue {
            out.push(p.number.as_str().to_string());
        }
    }
    out.into_iter().skip(skip).take(4).collect()
}

/// Edits four problems in `exported`, imports the result (re-saved by LibreOffice first when
/// `libreoffice`), and checks that exactly those four changed, each by one audit entry.
async fn round_trip(db: &TestDb, dir: &Path, round: &str, skip: usize, libreoffice: bool) {
    let numbers = targets(db, skip).await;
    assert_eq!(numbers.len(), 4, "four open problems to edit");
    let before = lines_by_number(&db.url, dir, &format!("{round}-before.csv"));
    assert_eq!(before.len(), PROBLEMS);
    let exported = dir.join(format!("{round}-exported.xlsx"));
    export_xlsx(&db.url, &exported);
    let edits = vec![
        format!("deadline={}=2027年1月15日", numbers[0]),
        format!("progress={}=已完成排查，{round}", numbers[1]),
        format!("measure={}=建立长效巡查制度{round}", numbers[2]),
        format!("person={}=赵六{round}", numbers[3]),
    ];
    let edited_dir = dir.join(format!("{round}-edited"));
    std::fs::create_dir_all(&edited_dir).unwrap();
    let mut edited = edited_dir.join("台账.xlsx");
    edit(&exported, &edited, &edits);
    if libreoffice {
        let resaved_dir = dir.join(format!("{round}-resaved"));
        std::fs::create_dir_all(&resaved_dir).unwrap();
        edited = resave_with_libreoffice(&edited, &resaved_dir);
    }
    let audit_before = audit_rows(db).await;
    let path = edited.to_str().unwrap();
    let out = zhenggai(&["--database-url", &db.url, "import", "ledger", path, "--as", "office"]);
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains(&format!("新增 0，更新 4，未变 {}，拒绝 0，未导入的修改 0", PROBLEMS - 4)), "{said}");
    assert_eq!(audit_rows(db).await - audit_before, 4, "one audit entry per change");
    let after = lines_by_number(&db.url, dir, &format!("{round}-after.csv"));
    let header: Vec<String> = {
        let bytes = std::fs::read(dir.join(format!("{round}-after.csv"))).unwrap();
        csv::Reader::from_reader(&bytes[3..]).headers().unwrap().iter().map(str::to_string).collect()
    };
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (number, lines) in &before {
        if numbers.contains(number) {
            continue;
        }
        assert_eq!(after.get(number), Some(lines), "{number} was not edited and must not change");
    }
    assert_eq!(after[&numbers[0]][0][col("整改时限")], "2027年1月15日");
    assert_eq!(after[&numbers[1]][0][col("整改进展")], format!("已完成排查，{round}"));
    let measures: Vec<&str> = after[&numbers[2]].iter().map(|l| l[col("整改措施")].as_str()).collect();
    assert_eq!(measures, vec![format!("建立长效巡查制度{round}")]);
    assert_eq!(after[&numbers[3]][0][col("责任人")], format!("赵六{round}"));
    // Each edited problem's other cells are as they were (the state and colour may follow a
    // moved deadline).
    let edited_column = [col("整改时限"), col("整改进展"), col("整改措施"), col("责任人")];
    for (i, number) in numbers.iter().enumerate() {
        for c in 0..header.len() {
            let may_differ = c == edited_column[i] || (i == 0 && (c == col("状态") || c == col("备注")));
            if !may_differ {
                assert_eq!(after[number][0][c], before[number][0][c], "{number}: {} untouched", header[c]);
            }
        }
    }
    // The same file again changes nothing.
    let again = zhenggai(&["--database-url", &db.url, "import", "ledger", path, "--as", "office"]);
    assert!(text(&again).contains(&format!("新增 0，更新 0，未变 {PROBLEMS}")), "{}", text(&again));
}

async fn an_edited_ledger_updates_exactly_what_was_edited_even_after_libreoffice(kind: Kind) {
    if !available(python(), &["-c", "import openpyxl"], "python3-openpyxl")
        || !available("soffice", &["--version"], "libreoffice-calc")
    {
        return;
    }
    let Some(db) = TestDb::new(kind, NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()).await else {
        return;
    };
    let problems = PROBLEMS.to_string();
    let out = zhenggai(&["--database-url", &db.url, "generate", "--problems", &problems, "--feedback", "0"]);
    assert!(out.status.success(), "{}", text(&out));
    let dir = tempfile::tempdir().unwrap();
    round_trip(&db, dir.path(), "openpyxl", 0, false).await;
    round_trip(&db, dir.path(), "libreoffice", 4, true).await;
    db.cleanup().await;
}

both!(an_edited_ledger_updates_exactly_what_was_edited_even_after_libreoffice);
