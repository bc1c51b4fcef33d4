//! The command line: every command takes the same configuration (data directory, database URL,
//! optional config file); the servers also take the listen address.

use clap::{Args, Parser, Subcommand};
use domain::feedback::Channel;
use domain::user::Role;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "zhenggai", version, about = "问题清单·整改台账 — problem list and rectification ledger")]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub(crate) struct GlobalArgs {
    /// 数据目录 Data directory (database file, evidence files) [default: ./data]
    #[arg(long, global = true, env = "ZHENGGAI_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// 数据库地址 Database URL: sqlite://FILE or postgres://… [default: a SQLite file in the data directory]
    #[arg(long, global = true, env = "ZHENGGAI_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// 配置文件 Optional TOML file with the same keys (data_dir, database_url, listen) [default: DATA_DIR/zhenggai.toml if present]
    #[arg(long, global = true, env = "ZHENGGAI_CONFIG")]
    pub config: Option<PathBuf>,
    /// 数据库连接数 The most PostgreSQL connections this node opens [default: twice its cores, 8–32]
    #[arg(long, global = true, env = "ZHENGGAI_DB_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub db_connections: Option<u32>,
}

#[derive(Debug, Args, Clone)]
pub(crate) struct ListenArgs {
    /// 监听地址 Address to serve on [default: 127.0.0.1:8080]
    #[arg(long, env = "ZHENGGAI_LISTEN")]
    pub listen: Option<String>,
    /// 读缓存窗口 How many milliseconds a node trusts its last reading of the data generation
    /// (other nodes' writes show within it; its own at once); 0 reads it on every request [default: 250]
    #[arg(long, env = "ZHENGGAI_READ_CACHE_MS")]
    pub read_cache_ms: Option<u64>,
    /// Mark cookies Secure: set this when the server is reached over HTTPS (behind a TLS proxy).
    #[arg(long, env = "ZHENGGAI_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Build every list page afresh instead of serving cached pages (measurements, debugging).
    #[arg(long, env = "ZHENGGAI_NO_PAGE_CACHE")]
    pub no_page_cache: bool,
    /// 可信代理 A reverse proxy (address or network, e.g. 10.0.0.0/8) whose X-Forwarded-For names
    /// the client, for login throttling and the public's rate limit; repeat it or separate with
    /// commas. Without it the connection's own address counts.
    #[arg(long = "trusted-proxy", env = "ZHENGGAI_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<web::TrustedProxy>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// 启动服务 Serve the web application and API.
    Serve(ListenArgs),
    /// 数据库迁移 Apply database migrations and exit.
    Migrate,
    /// 演示 Make a fresh demo install with generated (or real) data and serve it.
    Demo(DemoArgs),
    /// 用户管理 Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// 单位管理 Manage the unit tree.
    #[command(subcommand)]
    Unit(UnitCommand),
    /// API 令牌 Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// 审计日志 Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 备份 Write a consistent copy of the database while the server runs.
    Backup(BackupArgs),
    /// 恢复 Restore a backup into the configured database.
    Restore(RestoreArgs),
    /// 生成数据 Load generated problems and feedback in bulk (for benchmarks).
    Generate(GenerateArgs),
    /// 聚类 Group the messages of a CSV file into problems and rank them by heat (no install needed).
    Group(GroupArgs),
    /// 导入 Import messages (feedback) from an .xlsx, .xls or .csv file: `import feedback FILE` (or
    /// `import --input FILE`); each is indexed, fingerprinted and grouped as it is written.
    Import(Box<ImportArgs>),
    /// 导出 Export the ledger (.xlsx or .csv) in the layout units keep it.
    #[command(subcommand)]
    Export(ExportCommand),
    /// 报告 Write the weekly progress report (本周进展通报) or the campaign summary (总结报告) as a
    /// printable .html page or an editable .docx.
    Report(ReportArgs),
    /// 检索 Search problems and feedback in the install (full text, best match first).
    Search(SearchArgs),
    /// 智能分派 The routing suggestion's models.
    #[command(subcommand)]
    Route(RouteCommand),
    /// 评测 Measure the text engine on labelled data.
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum RouteCommand {
    /// Train the category and lead-unit models on the install's decided problems now and report.
    Retrain,
    /// Propose a category and a lead unit for a text.
    Suggest {
        text: String,
        /// Ask as this user.
        #[arg(long = "as", default_value = "admin")]
        user: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// Words (噪音 油烟) or a problem number.
    pub query: String,
    /// Search as this user, seeing what they may see.
    #[arg(long = "as", default_value = "admin")]
    pub user: String,
    /// Results of each kind.
    #[arg(long, default_value_t = 20)]
    pub limit: i64,
    /// Print JSON instead of lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ProposalArgs {
    #[arg(long)]
    pub input: PathBuf,
    #[arg(long, default_value = "id")]
    pub id_column: String,
    #[arg(long, default_value = "text")]
    pub text_column: String,
    #[arg(long, default_value = "title")]
    pub title_column: String,
    /// Messages arrive in this column's time order (file order without it).
    #[arg(long)]
    pub time_column: Option<String>,
    /// Each message's true issue (the generator's `issue`).
    #[arg(long)]
    pub truth_column: Option<String>,
    /// Pairs `id_a,id_b,relation`: duplicates, and other places where the relation says so.
    #[arg(long)]
    pub pairs: Option<PathBuf>,
    /// Hot issues `issue_id,…,message_id`, each with every message of it.
    #[arg(long)]
    pub hot_issues: Option<PathBuf>,
    #[arg(long, default_value_t = text::group::Thresholds::default().link)]
    pub link: f64,
    /// Print this many wrong matches (both texts) to standard error, to see what misleads.
    #[arg(long, default_value_t = 0)]
    pub show_wrong: usize,
}

#[derive(Debug, Args)]
pub(crate) struct GroupArgs {
    #[arg(long)]
    pub input: PathBuf,
    #[arg(long)]
    pub id_column: String,
    #[arg(long)]
    pub text_column: String,
    #[arg(long)]
    pub title_column: Option<String>,
    #[arg(long)]
    pub time_column: Option<String>,
    #[arg(long)]
    pub likes_column: Option<String>,
    #[arg(long)]
    pub dislikes_column: Option<String>,
    /// Who reported each message (distinct reporters raise the heat).
    #[arg(long)]
    pub reporter_column: Option<String>,
    /// Link threshold (Jaccard of character 3-grams).
    #[arg(long, default_value_t = 0.5)]
    pub link: f64,
    #[arg(long)]
    pub output: PathBuf,
    /// 热点问题表 The hot issues (a place or group of people and a matter, level two of grouping)
    /// as the 2020 TipDM task C table: 热度排名, 问题ID, 热度指数, 时间范围, 地点/人群, 问题描述 and
    /// counts; .csv (UTF-8 with BOM) or .xlsx by the file's extension.
    #[arg(long)]
    pub issues: Option<PathBuf>,
    /// Only the hottest N issues in the --issues table (all by default).
    #[arg(long)]
    pub top: Option<usize>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct ImportArgs {
    #[command(subcommand)]
    pub what: Option<ImportCommand>,
    /// `import --input FILE …`, as earlier versions were called: the same as `import feedback FILE …`.
    #[command(flatten)]
    pub feedback: FeedbackImportArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ExportCommand {
    /// 导出整改台账 The ledger: a title row, the standard columns (序号, 问题编号 … 备注), one row per
    /// measure with the problem's cells merged, states and supervision colours; .xlsx or .csv (UTF-8
    /// with BOM) by the file's extension.
    Ledger(ExportLedgerArgs),
    /// 导出诉求 The feedback the user may see, as .xlsx or .csv, with the headers `import feedback`
    /// reads (留言编号, 留言主题, 留言详情, 留言时间, 点赞数) and the channel, unit, reporter, address
    /// and linked problem; the reporter's name and contact only for users who may see them.
    Feedback(ExportFeedbackArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ExportFeedbackArgs {
    /// The file to write: FILE.xlsx or FILE.csv.
    #[arg(short, long)]
    pub output: PathBuf,
    /// The feedback list's filters: `unit_id=3&linked=false&q=噪音`.
    #[arg(long, default_value = "")]
    pub filter: String,
    /// Export as this user: what they may see, the contacts only if they may see them.
    #[arg(long = "as", default_value = "admin")]
    pub user: String,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// `weekly` (本周进展通报) or `summary` (总结报告).
    #[arg(value_parser = ["weekly", "summary"])]
    pub kind: String,
    /// The campaign, by id, code prefix or name.
    #[arg(long)]
    pub campaign: String,
    /// The first day (weekly: the Monday of this week; summary: the campaign's start).
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
    /// The last day (weekly: the Sunday after `--from`; summary: today).
    #[arg(long)]
    pub to: Option<chrono::NaiveDate>,
    /// The file to write: FILE.docx or FILE.html.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Report as this user: the problems they may see.
    #[arg(long = "as", default_value = "admin")]
    pub user: String,
    /// `zh` (default) or `en`.
    #[arg(long, default_value = "zh", value_parser = ["zh", "en"])]
    pub lang: String,
}

#[derive(Debug, Args)]
pub(crate) struct ExportLedgerArgs {
    /// The file to write: FILE.xlsx or FILE.csv.
    #[arg(short, long)]
    pub output: PathBuf,
    /// The list's filters, as its address takes them: `status=assigned,submitted&unit_id=3&overdue=true`.
    #[arg(long, default_value = "")]
    pub filter: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImportCommand {
    /// 导入群众反映 Messages from a 12345 platform's export, a portal's sheet…: every row a feedback
    /// item; columns found by their usual names (留言编号, 留言主题, 留言详情, 留言时间, 点赞数 and their
    /// synonyms) or named with the flags. Bad rows are reported with their row, column and reason;
    /// the exit status is 3 when any was.
    Feedback(FeedbackImportArgs),
    /// 导入整改台账 A ledger kept in Excel: a unit's own (title rows, 填报单位 line, 序号 merged
    /// over measure rows, the usual column names and their synonyms) or one exported here and
    /// edited. Rows with a problem number of ours update that problem, change by change (each
    /// audited); the number and the state are never changed by sheet, and a change to them is
    /// reported. Other rows become new problems. A file with any rejected row changes nothing
    /// (exit status 3); importing the same file twice changes nothing the second time.
    Ledger(LedgerImportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct LedgerImportArgs {
    /// The file: .xlsx, .xls or .csv (UTF-8, GBK or GB18030), whatever its name says.
    pub file: PathBuf,
    /// Import as this user: what they may change is changed, the rest reported.
    #[arg(long = "as", default_value = "admin")]
    pub user: String,
    /// The campaign new problems join, by id, code prefix or name [default: the install's only one].
    #[arg(long)]
    pub campaign: Option<String>,
    /// A column whose header is not a known name: `问题描述=突出问题` (the ledger's column, then
    /// the file's header). Repeat for several.
    #[arg(long = "column", value_name = "列=表头")]
    pub columns: Vec<String>,
    /// Check the file and print what would change, without changing anything.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub(crate) struct FeedbackImportArgs {
    /// The file: .xlsx, .xls or .csv (UTF-8, GBK or GB18030), whatever its name says.
    pub file: Option<PathBuf>,
    /// The file, as earlier versions took it.
    #[arg(long = "input", conflicts_with = "file")]
    pub input: Option<PathBuf>,
    /// The column with each message's id in the system it came from (a second import skips it)
    /// [default: 留言编号, 工单编号, 编号…].
    #[arg(long)]
    pub id_column: Option<String>,
    /// The column with the message's text [default: 留言详情, 诉求内容, 内容…].
    #[arg(long)]
    pub text_column: Option<String>,
    /// [default: 留言主题, 诉求标题, 标题…]
    #[arg(long)]
    pub title_column: Option<String>,
    /// [default: 留言时间, 来电时间, 受理时间…]
    #[arg(long)]
    pub time_column: Option<String>,
    /// [default: 点赞数, 附议数]
    #[arg(long)]
    pub likes_column: Option<String>,
    /// The receiving unit, by name, code or id [default: the top of the unit tree].
    #[arg(long)]
    pub unit: Option<String>,
    /// hotline, portal, letter_visit, research, self_inspection, ...
    #[arg(long, default_value = "hotline", value_parser = vocabulary::<Channel>)]
    pub channel: Channel,
    /// The system the messages come from [default: csv:FILE NAME, file:FILE NAME for a workbook].
    #[arg(long)]
    pub source: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum EvalCommand {
    /// Train the routing classifier on one file and report accuracy, macro-F1 and a per-class table on another.
    Classify {
        #[arg(long)]
        train: PathBuf,
        #[arg(long)]
        test: PathBuf,
        #[arg(long)]
        text_column: String,
        #[arg(long)]
        label_column: String,
    },
    /// Write the generator's messages, each with its true issue, to a CSV file
    /// (`id,issue,title,text,time,likes`), for grouping benchmarks.
    Generate {
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        output: PathBuf,
    },
    /// Group a file and report throughput and pair recall and precision against its true issues.
    Grouping {
        #[arg(long)]
        input: PathBuf,
        #[arg(long, default_value = "text")]
        text_column: String,
        #[arg(long, default_value = "title")]
        title_column: String,
        #[arg(long, default_value = "issue")]
        truth_column: String,
    },
    /// Measure the proposals intake would make, for each lower end of the proposal band: the share
    /// of messages proposed and linked, and precision and recall against known groups (a column
    /// of true issues, and/or duplicate pairs and hot issues made by hand).
    Proposals(ProposalArgs),
    /// Time reading the stored fingerprints into this node's index, matching one new message
    /// against them, and two-word searches over the install's feedback; prints p50/p99 in
    /// milliseconds.
    Online {
        /// How many messages to match and queries to run.
        #[arg(long, default_value_t = 1000)]
        queries: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Search as this user (an admin sees everything).
        #[arg(long = "as")]
        user: String,
    },
    /// Count the formalism flags on the replies of a file (boilerplate, off-topic, no action).
    Replies {
        #[arg(long)]
        input: PathBuf,
        #[arg(long, default_value = "留言详情")]
        message_column: String,
        #[arg(long, default_value = "答复意见")]
        reply_column: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    #[command(flatten)]
    pub listen: ListenArgs,
    /// Load real messages from this CSV instead of generating them.
    #[arg(long = "data", value_name = "FILE.csv")]
    pub data: Option<PathBuf>,
    /// The CSV column with the message text.
    #[arg(long, default_value = "留言详情")]
    pub text_column: String,
    /// The CSV column with the message time.
    #[arg(long, default_value = "留言时间")]
    pub time_column: String,
    /// The CSV column with the message id.
    #[arg(long, default_value = "留言编号")]
    pub id_column: String,
    /// The CSV column with the message title, if any.
    #[arg(long)]
    pub title_column: Option<String>,
    /// The CSV column with likes, if any.
    #[arg(long)]
    pub likes_column: Option<String>,
    /// How many generated feedback items.
    #[arg(long, default_value_t = 4000)]
    pub feedback: usize,
    /// How many problems to drive through the workflow.
    #[arg(long, default_value_t = 400)]
    pub problems: usize,
    /// Build the demo and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Add a user. The password is read from ZHENGGAI_PASSWORD, or generated and printed.
    Add {
        #[arg(long)]
        username: String,
        /// admin, office, supervisor, liaison or viewer.
        #[arg(long, value_parser = vocabulary::<Role>)]
        role: Role,
        /// The unit, by name, code or id.
        #[arg(long)]
        unit: String,
        #[arg(long)]
        display_name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum UnitCommand {
    /// Import units from a CSV with the columns name,parent[,code] (all or nothing).
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Create a bearer token for a user and print it (shown once).
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// full, read or intake.
        #[arg(long, default_value = "full")]
        scope: String,
        /// Days until it expires (default: never).
        #[arg(long)]
        days: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Walk the hash chain; exit 1 naming the first row that was edited, removed or reordered.
    Verify,
}

#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// Where to write the backup.
    #[arg(long, short)]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// The backup to restore.
    #[arg(long, short)]
    pub input: PathBuf,
    /// Replace an existing database.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    #[arg(long, default_value_t = 100_000)]
    pub problems: usize,
    #[arg(long, default_value_t = 1_000_000)]
    pub feedback: usize,
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Leave the records without search words and fingerprints, as a restore from an older version
    /// would (for measuring the catch-up that the next start runs).
    #[arg(long, hide = true)]
    pub without_index: bool,
}

/// Reads a value of one of the domain's vocabularies (wire name or Chinese label) as the API does,
/// refusing anything else with the same message, which names the values it could be.
fn vocabulary<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, String> {
    use serde::de::IntoDeserializer;
    T::deserialize(s.into_deserializer()).map_err(|e: serde::de::value::Error| {
        domain::Error::from_deserializer(&e.to_string(), None).map_or_else(|| e.to_string(), |d| d.to_string())
    })
}
