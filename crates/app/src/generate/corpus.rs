//! The generator's Chinese: issues as citizens describe them, with places, paraphrases and filler,
//! so that generated messages are varied and yet many people report the same problem in different
//! words (true clusters exist), while the same template at another place is another problem.

use super::names::{self, Place, PlaceKind};
use rand::RngExt;
use rand::rngs::StdRng;

/// One kind of issue: its category (an index into [`CATEGORIES`]), the feedback kind, and the
/// ways people phrase it. `{p}` is the place; `{x}` a detail.
pub(crate) struct IssueKind {
    pub category: usize,
    pub kind: &'static str,
    pub place: PlaceKind,
    pub titles: &'static [&'static str],
    pub bodies: &'static [&'static str],
    pub details: &'static [&'static str],
}

/// Categories: (name, parent index or none, lead department index into `generate::DEPARTMENTS`).
pub(crate) const CATEGORIES: [(&str, Option<usize>, usize); 16] = [
    ("城乡建设", None, 0),
    ("环境保护", None, 1),
    ("交通运输", None, 2),
    ("教育文体", None, 3),
    ("劳动和社会保障", None, 4),
    ("卫生健康", None, 5),
    ("市场监管", None, 6),
    ("城市管理", None, 7),
    ("物业管理", Some(0), 0),
    ("违章建筑", Some(0), 7),
    ("噪音污染", Some(1), 1),
    ("油烟扰民", Some(1), 1),
    ("公交线路", Some(2), 2),
    ("入学问题", Some(3), 3),
    ("拖欠工资", Some(4), 4),
    ("消费纠纷", Some(6), 6),
];

pub(crate) const ISSUES: [IssueKind; 14] = [
    IssueKind {
        category: 10,
        kind: "complaint",
        place: PlaceKind::Estate,
        titles: &[
            "{p}旁工地夜间施工噪音扰民",
            "投诉{p}附近{x}噪音",
            "{p}周边施工噪音严重影响休息",
            "关于{p}夜间施工扰民的问题",
        ],
        bodies: &[
            "{p}旁边的工地每天晚上十一点以后还在施工，{x}的噪音特别大，小区老人小孩都睡不好觉，多次打电话反映都没有解决，恳请相关部门尽快处理。",
            "我是{p}的业主，附近{x}从早到晚不停，晚上也不停工，噪音严重超标，已经影响到居民正常生活，希望领导重视。",
            "{p}周边的{x}噪音太大了，尤其是凌晨还在作业，居民苦不堪言，请环保部门查处夜间违规施工。",
            "反映{p}附近{x}扰民问题：连续一个多月夜间施工，噪音和震动很大，孩子要高考了，请求帮助解决。",
        ],
        details: &["搅拌站", "打桩机", "渣土车", "切割机", "混凝土泵车"],
    },
    IssueKind {
        category: 11,
        kind: "complaint",
        place: PlaceKind::Estate,
        titles: &["{p}临街门面{x}油烟扰民", "{p}楼下{x}油烟问题", "投诉{p}{x}油烟直排", "{p}底商{x}油烟噪音扰民"],
        bodies: &[
            "{p}临街门面开了好几家{x}，油烟直接排到楼上住户家里，窗户都不敢开，晚上还很吵，请城管和环保部门管一管。",
            "{p}楼下的{x}没有安装油烟净化设备，油烟味道很大，夏天根本没法开窗，投诉多次没有结果。",
            "反映{p}底商{x}油烟扰民问题，排烟管道就在居民窗户下面，严重影响健康，希望依法整治。",
        ],
        details: &["烧烤店", "夜宵摊", "餐馆", "小龙虾店", "火锅店"],
    },
    IssueKind {
        category: 8,
        kind: "complaint",
        place: PlaceKind::Estate,
        titles: &["{p}物业{x}问题", "投诉{p}物业公司{x}", "{p}物业服务差，{x}", "关于{p}物业{x}的投诉"],
        bodies: &[
            "{p}物业公司{x}，业主多次找物业都推脱不管，小区环境越来越差，请住建部门督促整改。",
            "我们{p}的物业{x}，收费却一分不少，业主意见很大，希望相关部门介入处理。",
            "{p}小区物业长期{x}，电梯经常坏、垃圾没人清，请求主管部门监督物业履行职责。",
        ],
        details: &["乱收停车费", "不公开公共收益", "电梯长期停运", "垃圾不及时清运", "擅自涨物业费"],
    },
    IssueKind {
        category: 8,
        kind: "complaint",
        place: PlaceKind::Estate,
        titles: &["{p}开发商捆绑销售车位", "{p}车位{x}", "投诉{p}车位只售不租"],
        bodies: &[
            "{p}开发商要求业主必须购买车位才能办理交房手续，{x}，这属于捆绑销售，请相关部门查处。",
            "{p}车位{x}，开发商只卖不租，价格高得离谱，业主无法接受，恳请领导为业主做主。",
        ],
        details: &["价格高达二十多万", "强制捆绑购买", "不买车位不给钥匙"],
    },
    IssueKind {
        category: 9,
        kind: "report",
        place: PlaceKind::Estate,
        titles: &["举报{p}{x}违章建筑", "{p}顶楼{x}违建", "{p}有业主{x}"],
        bodies: &[
            "{p}有住户在顶楼{x}，已经搭了好几个月，存在安全隐患，物业不管，请城管部门依法拆除。",
            "举报{p}业主{x}，占用公共空间，影响其他住户采光和通行，希望尽快查处。",
        ],
        details: &["搭建阳光房", "私自扩建", "占用绿化带建房", "加盖一层"],
    },
    IssueKind {
        category: 12,
        kind: "suggestion",
        place: PlaceKind::Street,
        titles: &["建议在{p}增设公交站点", "{p}公交{x}", "关于{p}公交线路的建议"],
        bodies: &[
            "{p}附近新建了好几个小区，居民出行很不方便，建议{x}，方便群众上下班。",
            "{p}一带公交{x}，早晚高峰等车要四十分钟，希望交通部门优化线路。",
        ],
        details: &["增开一条公交线路", "班次太少", "加密早晚高峰班次", "延长末班车时间"],
    },
    IssueKind {
        category: 2,
        kind: "complaint",
        place: PlaceKind::Street,
        titles: &["{p}路面{x}", "{p}道路{x}多年未修", "反映{p}{x}问题"],
        bodies: &[
            "{p}路面{x}，下雨天积水严重，行人和车辆通行都很危险，已经有人摔倒，请尽快维修。",
            "{p}{x}好几年了一直没有修，附近居民出行非常不便，希望有关部门安排维修。",
        ],
        details: &["坑洼不平", "井盖缺失", "路灯不亮", "人行道破损"],
    },
    IssueKind {
        category: 13,
        kind: "consult",
        place: PlaceKind::School,
        titles: &["咨询{p}入学{x}", "{p}学区划分问题", "关于{p}{x}的咨询"],
        bodies: &[
            "请问今年{p}的招生范围是怎么划分的？我们小区{x}，孩子明年上学，希望教育局给予答复。",
            "咨询{p}入学{x}，政策文件说的不清楚，家长都很着急，请教育部门解答。",
        ],
        details: &["是否属于学区", "需要哪些材料", "积分怎么计算", "随迁子女能否就读"],
    },
    IssueKind {
        category: 3,
        kind: "complaint",
        place: PlaceKind::School,
        titles: &["{p}强制学生{x}", "反映{p}{x}问题", "投诉{p}{x}"],
        bodies: &[
            "{p}要求学生{x}，不参加就不给毕业证，学生和家长意见很大，请教育部门调查。",
            "{p}{x}，学生被迫去工厂流水线，和所学专业毫无关系，恳请有关部门制止。",
        ],
        details: &["到指定企业实习", "统一购买教辅资料", "周末补课收费", "强制实习"],
    },
    IssueKind {
        category: 14,
        kind: "help",
        place: PlaceKind::Builder,
        titles: &["{p}拖欠农民工工资", "{p}{x}请求帮助", "讨要{p}拖欠的工资"],
        bodies: &[
            "我们在{p}的工地干了大半年，{x}，老板一直拖着不给，快过年了，请劳动监察部门帮我们讨薪。",
            "{p}{x}，多次讨要未果，工人生活困难，请求政府帮助解决。",
        ],
        details: &["工资拖欠三个月", "拖欠工资二十多万", "押着工资不发", "拖欠加班费"],
    },
    IssueKind {
        category: 15,
        kind: "complaint",
        place: PlaceKind::Shop,
        titles: &["{p}{x}，消费者维权", "投诉{p}{x}", "{p}预付卡{x}"],
        bodies: &[
            "我在{p}办了预付卡，现在{x}，大量消费者的钱拿不回来，请市场监管部门介入。",
            "{p}{x}，客服电话打不通，商家拒不退款，希望依法处理。",
        ],
        details: &["突然关门跑路", "拒绝退款", "虚假宣传", "擅自提价"],
    },
    IssueKind {
        category: 4,
        kind: "consult",
        place: PlaceKind::Residence,
        titles: &["咨询{x}办理", "关于{x}的政策咨询", "{x}如何申请"],
        bodies: &[
            "您好，我住在{p}附近，想咨询一下{x}需要准备哪些材料，在哪里办理，多久能办好？",
            "请问{x}的条件是什么？我在{p}的社区问了说不清楚，麻烦相关部门解答。",
        ],
        details: &["人才购房补贴", "灵活就业社保", "失业保险金", "退休手续"],
    },
    IssueKind {
        category: 7,
        kind: "complaint",
        place: PlaceKind::Street,
        titles: &["{p}{x}占道经营", "{p}{x}问题严重", "整治{p}{x}"],
        bodies: &[
            "{p}两边{x}，人行道被完全占用，行人只能走机动车道，非常危险，请城管部门加强管理。",
            "{p}{x}长期存在，环境脏乱差，附近居民多次反映，希望彻底整治。",
        ],
        details: &["流动摊贩", "乱停乱放", "夜市摊点", "废品收购站"],
    },
    IssueKind {
        category: 5,
        kind: "complaint",
        place: PlaceKind::Hospital,
        titles: &["{p}{x}", "投诉{p}服务态度", "{p}看病{x}"],
        bodies: &[
            "在{p}看病{x}，排队两个多小时，医生三分钟就看完了，希望卫健部门督促改进。",
            "{p}{x}，患者家属多次沟通无果，请有关部门调查处理。",
        ],
        details: &["挂号难", "乱收费", "服务态度差", "检查项目过多"],
    },
];

const OPENERS: [&str; 6] = ["", "您好！", "尊敬的领导：", "领导您好，", "我要反映一个问题。", "市长您好！"];
const CLOSERS: [&str; 7] = [
    "",
    "谢谢！",
    "盼复。",
    "望尽快处理，谢谢。",
    "恳请领导重视！",
    "希望早日解决。",
    "已经反映过多次了，请务必处理。",
];

impl Issue {
    /// Whether its place is only the reporter's address, so that the same question from
    /// anywhere is one issue.
    pub(crate) fn placeless(&self) -> bool {
        matches!(ISSUES[self.kind].place, PlaceKind::Residence)
    }
}

/// A concrete issue: a kind, at a place, with one detail. Many people report it.
pub(crate) struct Issue {
    pub kind: usize,
    pub place: Place,
    pub detail: &'static str,
}

pub(crate) fn new_issue(rng: &mut StdRng) -> Issue {
    let kind = rng.random_range(0..ISSUES.len());
    let k = &ISSUES[kind];
    Issue { kind, place: names::place(rng, k.place), detail: k.details[rng.random_range(0..k.details.len())] }
}

/// One citizen's message about an issue: its own wording, opener and closer.
pub(crate) fn message(rng: &mut StdRng, issue: &Issue) -> (String, String) {
    let k = &ISSUES[issue.kind];
    let place = match k.place {
        PlaceKind::Residence => names::place(rng, PlaceKind::Residence).as_written(rng),
        _ => issue.place.as_written(rng),
    };
    let fill = |t: &str| t.replace("{p}", &place).replace("{x}", issue.detail);
    let title = fill(k.titles[rng.random_range(0..k.titles.len())]);
    let filler = if rng.random_bool(0.3) { FILLERS[rng.random_range(0..FILLERS.len())] } else { "" };
    let body = format!(
        "{}{}{}{}",
        OPENERS[rng.random_range(0..OPENERS.len())],
        fill(k.bodies[rng.random_range(0..k.bodies.len())]),
        filler,
        CLOSERS[rng.random_range(0..CLOSERS.len())]
    );
    (paraphrase(rng, &title), paraphrase(rng, &body))
}

/// Sentences people add on the way.
const FILLERS: [&str; 8] = [
    "这个问题已经持续很长时间了。",
    "之前打过12345热线，说会处理，但一直没有下文。",
    "附近还有一所幼儿园，孩子们也受影响。",
    "我们已经向社区反映过，社区说管不了。",
    "周围的邻居都有同样的意见。",
    "我附上了现场照片。",
    "不知道该找哪个部门，只好在这里留言。",
    "上个月媒体也报道过。",
];

/// Words people use for one another, each swapped now and then (噪音/噪声, 希望/恳请).
const SYNONYMS: [(&str, &[&str]); 12] = [
    ("噪音", &["噪声"]),
    ("非常", &["特别", "十分"]),
    ("特别", &["非常", "极其"]),
    ("希望", &["恳请", "请求", "盼望"]),
    ("相关部门", &["有关部门", "职能部门"]),
    ("居民", &["住户", "群众"]),
    ("尽快", &["早日", "及时"]),
    ("严重", &["极大地"]),
    ("投诉", &["反映", "举报"]),
    ("多次", &["好几次", "反复"]),
    ("晚上", &["夜里", "夜间"]),
    ("影响", &["干扰"]),
];

/// The text with some of its words swapped for others that mean the same.
fn paraphrase(rng: &mut StdRng, text: &str) -> String {
    let mut out = text.to_string();
    for (word, others) in SYNONYMS {
        if out.contains(word) && rng.random_bool(0.4) {
            out = out.replacen(word, others[rng.random_range(0..others.len())], 1);
        }
    }
    out
}

/// What a unit does about one kind of issue and what it answers the public: measures that match
/// the matter and a reply that speaks of it, never a sentence from another kind.
pub(crate) struct Rectify {
    pub measures: [&'static str; 3],
    pub reply: &'static str,
}

/// For each of [`ISSUES`], in its order.
pub(crate) const RECTIFY: [Rectify; 14] = [
    Rectify {
        measures: [
            "现场核查施工许可和夜间施工备案，对无证夜间施工立案查处",
            "约谈施工单位，22时至次日6时停止高噪声作业，渣土车错峰运输",
            "在工地周边布设噪声监测点，每周公开监测数据",
        ],
        reply: "经核查，该工地存在未经批准夜间施工的情况，已依法立案查处，并责令其22时后停止高噪声作业。我局在工地周边布设了噪声监测点，将持续监督，欢迎继续监督反映。",
    },
    Rectify {
        measures: [
            "现场检查餐饮商户油烟净化设施，对未安装或未正常使用的下达整改通知",
            "督促商户安装油烟净化设备并将排烟管道改至楼顶高空排放",
            "纳入城管日常巡查，每周复查一次，防止反弹",
        ],
        reply: "经现场检查，相关餐饮商户油烟直排属实，已责令其安装油烟净化设备、改造排烟管道，目前已整改完毕并通过复查。我们将每周巡查，防止问题反弹。",
    },
    Rectify {
        measures: [
            "约谈物业服务企业负责人，责令限期整改服务问题",
            "督促物业公司在小区公示收费项目和公共收益明细",
            "将该物业企业纳入信用考核，每季度回访业主满意度",
        ],
        reply: "我局已约谈该小区物业服务企业，责令其限期整改，并督促其在小区公告栏公示收费项目和公共收益明细。后续将纳入物业信用考核，定期回访业主意见。",
    },
    Rectify {
        measures: [
            "核查开发商车位销售行为，责令停止捆绑销售",
            "督促开发商公示车位销售和出租价格，提供出租选项",
            "对拒不整改的依法立案查处并记入企业信用档案",
        ],
        reply: "经调查，开发商存在将车位与房屋捆绑销售的行为，已责令立即停止，并要求其公示车位价格、向业主提供出租选择。如仍有强制捆绑情况，请向我局反映。",
    },
    Rectify {
        measures: [
            "现场测绘认定违法建设，下达责令停止建设和限期拆除通知书",
            "联合街道、物业对违建户开展约谈，督促自行拆除",
            "对逾期未拆除的依法组织强制拆除，并建立巡查台账",
        ],
        reply: "经现场核查，该处搭建属于未经规划许可的违法建设，已下达限期拆除通知书，目前违建已拆除完毕。我们将加强巡查，发现新增违建及时处置。",
    },
    Rectify {
        measures: [
            "开展客流调查，评估增设站点和调整线路的可行性",
            "优化相关线路走向，早晚高峰加密班次",
            "通过公交公众号公示调整方案，试运行一个月后评估",
        ],
        reply: "感谢您的建议。经客流调查和线路评估，公交集团已在该路段增设站点，并在早晚高峰加密班次，调整方案已在公交公众号公布。我们将根据运行情况继续优化。",
    },
    Rectify {
        measures: [
            "组织养护单位现场勘查，设置警示标志防止发生意外",
            "修补坑洼路面，补装缺失井盖，修复损坏路灯",
            "将该路段纳入市政设施日常巡查，发现问题24小时内处置",
        ],
        reply: "接到反映后，养护单位已到现场设置警示标志，并完成路面修补、井盖补装和路灯维修。该路段已纳入市政设施日常巡查，发现损坏将在24小时内处置。",
    },
    Rectify {
        measures: [
            "核对学区划分和入学政策，向咨询人逐项答复",
            "在教育局网站和学校门口公示学区范围及报名材料清单",
            "开通入学政策咨询专线，解答随迁子女入学等问题",
        ],
        reply: "您咨询的入学问题，我局已电话逐项答复。学区范围、报名所需材料和随迁子女入学办法已在教育局网站公示，如有疑问可拨打入学政策咨询专线。",
    },
    Rectify {
        measures: [
            "约谈学校负责人，责令立即停止违规行为",
            "对已收取的费用全额清退，并向家长公开说明",
            "在全市学校开展专项检查，建立举报核查机制",
        ],
        reply: "经核查，该校存在违规要求学生参加活动并收费的情况，我局已约谈学校负责人，责令立即停止并全额清退已收费用。全市将开展专项检查，欢迎家长继续监督。",
    },
    Rectify {
        measures: [
            "人社部门约谈施工企业，核实欠薪人数和金额",
            "督促总承包单位从工资保证金中先行垫付所欠工资",
            "将欠薪企业列入失信名单，建立工资专户按月支付",
        ],
        reply: "经核实，该项目拖欠农民工工资属实。在人社部门督促下，总承包单位已先行垫付所欠工资，款项已全部发放到位。相关企业已列入失信名单，今后工资通过专户按月支付。",
    },
    Rectify {
        measures: [
            "市场监管部门现场检查经营者，固定证据",
            "组织消费者与经营者调解，督促按约退款",
            "对虚假宣传、拒不退款的依法立案查处并发布消费提示",
        ],
        reply: "经市场监管部门调解，经营者已同意按约退还预付款。对其虚假宣传等违法行为，已依法立案调查。我们已发布预付式消费提示，提醒消费者谨慎办卡。",
    },
    Rectify {
        measures: [
            "对照现行政策逐项答复咨询人",
            "在政务服务网公布办理条件、材料和流程",
            "安排窗口工作人员一对一指导办理",
        ],
        reply: "您咨询的政策，我局已电话答复，办理条件、所需材料和流程已在政务服务网公布。您可携带身份证到政务服务中心人社窗口办理，工作人员将一对一指导。",
    },
    Rectify {
        measures: [
            "城管执法队员现场劝离占道经营摊点",
            "在周边规划临时疏导点，引导摊贩入场经营",
            "增加早晚巡查频次，建立占道经营巡查台账",
        ],
        reply: "城管执法队员已对占道经营摊点进行劝离和规范，并在附近设置了临时疏导点引导摊贩入场经营。我们已增加早晚巡查频次，防止问题反弹。",
    },
    Rectify {
        measures: [
            "卫健部门约谈医院负责人，核查收费和服务情况",
            "督促医院优化挂号流程，增加号源，公示收费标准",
            "对相关医务人员开展服务规范培训，纳入绩效考核",
        ],
        reply: "经核查，卫健部门已约谈医院负责人，督促其优化挂号流程、增加号源并公示收费标准，对多收费用予以退还。医院已对相关人员开展服务规范培训。",
    },
];

/// For reports whose matter the generator does not know (real messages): what any unit does.
pub(crate) const RECTIFY_ANY: Rectify = Rectify {
    measures: [
        "现场核查反映情况，明确责任单位和责任人",
        "制定整改方案，明确整改措施和完成时限",
        "整改完成后回访反映人，公示整改结果",
    ],
    reply: "收到您的反映后，我们已组织核查并制定整改方案，相关问题已按期整改完毕。感谢您的监督，欢迎继续反映。",
};
