"""Writes ROWS generated citizen messages as a CSV in the layout 12345 platforms export (留言编号,
留言主题, 留言详情, 留言时间, 点赞数) for bench/import-encoding.sh: places, matters and details
combined from small lists with a fixed seed, so that both encodings carry the same text."""
import random
import sys

rows, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(20261206)
places = [f"{a}{b}" for a in ["幸福", "和平", "建设", "人民", "滨江", "东湖", "新华", "光明", "长青", "金桥"]
          for b in ["小区", "路", "街道", "社区", "花园", "广场", "村", "中学", "医院", "菜市场"]]
matters = ["噪音扰民", "路灯不亮", "垃圾清运不及时", "占道经营", "停车难", "电梯故障", "污水外溢", "违章搭建",
           "物业服务差", "公交站台破损", "油烟扰民", "学校周边拥堵", "供暖不热", "自来水浑浊", "绿化带毁坏"]
details = ["已经持续一周", "反映多次未解决", "严重影响居民休息", "老人孩子出行不便", "存在安全隐患",
           "希望有关部门尽快处理", "夜间尤其明显", "雨天更加严重", "附近商户也有意见", "请尽快派人查看"]
with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("留言编号,留言主题,留言详情,留言时间,点赞数\n")
    for i in range(rows):
        place, matter = rng.choice(places), rng.choice(matters)
        text = f"{place}{matter}，{rng.choice(details)}，{rng.choice(details)}。"
        day = 1 + i % 28
        f.write(f"M{i:07d},{place}{matter},{text},2025/{1 + i % 12}/{day} {i % 24:02d}:{i % 60:02d}:00,{i % 7}\n")
