"""Plan fixtures written for the ingest tests (invented plans, not copied from any page) and the files made from them.

Each plan is clean text; the helpers wrap it as a web page with navigation, breadcrumbs, a 索引号 metadata table,
related links and a footer; as a PDF with a text layer, hard line wraps, a running header and page numbers; as a
Word document; as a Traditional-script mirror page; as a GBK text file; and as a scanned PDF (an image only).
"""
from __future__ import annotations

import html
from pathlib import Path

PLANS = {
    "fucheng": """绵阳市涪城区教育和体育局2021年教育工作要点
2021年是“十四五”规划开局之年。全区教育工作坚持以人民为中心，聚焦教育质量提升和城乡均衡发展，为建设现代化城区提供人才支撑。
一、总体要求
坚持立德树人根本任务，统筹推进各级各类教育协调发展，着力补齐学前教育和特殊教育短板。
二、重点任务
（一）扩大普惠性学前教育资源。新建公办幼儿园3所，新增学位1200个，全区学前三年毛入园率达到92%以上。
（二）推进义务教育优质均衡。完成城南片区两所小学改扩建，义务教育巩固率保持在99%以上。
（三）建强教师队伍。公开招聘中小学教师150名，组织全员培训不少于72学时。
三、保障措施
（一）加强组织领导。区教育和体育局成立专项工作组，按月调度重点任务进展。
（二）落实经费保障。教育经费支出占一般公共预算支出比例不低于18%。
""",
    "liling": """醴陵市2022年教育工作计划
2022年是实施“十四五”教育规划的关键之年。全市教育系统以办好人民满意的教育为目标，突出陶瓷职业教育特色，推动基础教育提质扩容。
一、巩固学前教育普及成果
（一）落实幼儿园布局规划，年内建成乡镇中心幼儿园2所，普惠性幼儿园覆盖率达到85%。
（二）开展幼儿园保教质量评估，评估覆盖全部公办幼儿园，评估结果向社会公开。
二、提升职业教育服务能力
（一）支持醴陵陶瓷烟花职业技术学院开设陶瓷设计与工艺专业群，新增校企合作订单班6个。
（二）建设陶瓷产业公共实训基地，全年开展职业技能培训3000人次。
三、办好特殊教育
残疾儿童少年义务教育入学率达到97%以上，送教上门服务覆盖全部重度残疾学生。
""",
    "jiaxing": """嘉兴市2020年教育工作安排
一、推进教育现代化建设
1.创建省教育现代化县（市、区）2个，全市新增省级示范性普通高中3所。
2.实施中小学智慧校园建设行动，智慧校园达标率达到60%。
二、深化教育评价改革
3.开展县域义务教育质量监测，监测样本覆盖全部乡镇学校。
4.完善初中学业水平考试制度，体育科目分值提高到40分。
三、加强学校安全管理
5.全市中小学校园专职保安配备率达到100%，一键报警装置与公安联网。
6.每学期组织应急疏散演练不少于2次。
""",
    "zhuhai": """珠海市2019年教育工作要点
2019年是新中国成立70周年。全市教育工作围绕粤港澳大湾区建设，推动教育对外开放和内涵发展。
一、扩大教育开放合作
（一）深化珠澳教育合作，新增珠澳姊妹学校10对，组织两地教师交流活动20场。
（二）引进优质高等教育资源，推进在珠高校新增硕士学位授权点。
二、促进教育公平
（一）完善随迁子女入学政策，公办学校学位供给新增8000个。
（二）实施家庭经济困难学生资助全覆盖，发放资助资金1.2亿元。
""",
    "linyi": """临沂市2024年教育工作要点
2024年是实施“十四五”规划的攻坚之年。全市教育工作以建设沂蒙教育强市为目标，统筹县域教育发展。
一、办好人民满意的基础教育
（一）新建改扩建中小学校25所，增加学位30000个。
（二）实施县域普通高中振兴行动，普通高中大班额比例控制在5%以内。
二、加强教师队伍建设
（一）补充中小学教师2000名，优先保障农村学校。
（二）评选沂蒙名师100名，发挥名师工作室示范作用。
""",
}

NAV = ["首页", "机构概况", "政务公开", "教育动态", "办事服务", "互动交流"]
RELATED = ["区教育和体育局召开春季开学工作会议", "我区举办中小学教师教学技能大赛", "关于做好2021年中小学招生工作的通知"]


def page(text: str, *, agency: str = "绵阳市涪城区教育和体育局", index_no: str = "11510703MB1234567X/2021-00012",
         date: str = "2021-03-02") -> str:
    """A government web page around a plan: nav, breadcrumbs, 索引号 table, article, related links, footer."""
    title, *body = text.strip().splitlines()
    nav = "".join(f'<li><a href="/c{i}.html">{n}</a></li>' for i, n in enumerate(NAV))
    related = "".join(f'<li><a href="/r{i}.html">{html.escape(t)}</a><span>2021-0{i + 1}-1{i}</span></li>'
                      for i, t in enumerate(RELATED))
    paras = "".join(f"<p>{html.escape(line)}</p>" for line in body)
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>
<body><div class="header"><div class="logo">{agency}</div><ul class="nav">{nav}</ul></div>
<div class="breadcrumb">您现在的位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 规划计划</div>
<div class="xxgk"><table><tr><td>索引号：</td><td>{index_no}</td><td>主题分类：</td><td>教育</td></tr>
<tr><td>发布机构：</td><td>{agency}</td><td>成文日期：</td><td>{date}</td></tr>
<tr><td>文号：</td><td>无</td><td>有效性：</td><td>有效</td></tr></table></div>
<div class="article"><h1>{html.escape(title)}</h1><div class="info">发布时间：{date} 来源：{agency}</div>
<div class="content">{paras}</div></div>
<div class="related"><h3>相关链接</h3><ul>{related}</ul></div>
<div class="footer"><p>主办单位：{agency} 版权所有</p><p>蜀ICP备12345678号-1 网站标识码：5107030001</p>
<p><a href="/map">网站地图</a> | <a href="/contact">联系我们</a></p></div></body></html>"""


def font() -> Path:
    """A CJK TrueType font shipped with mplfonts."""
    import mplfonts

    return Path(mplfonts.__file__).parent / "fonts" / "SimHei.ttf"


def pdf(text: str, path: Path, header: str = "醴陵市教育局文件") -> Path:
    """A PDF with a text layer: hard-wrapped paragraphs, a running header and page numbers like — 1 —."""
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self) -> None:
            self.set_font("cjk", size=9)
            self.cell(0, 6, header, align="C")
            self.ln(10)

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("cjk", size=9)
            self.cell(0, 6, f"— {self.page_no()} —", align="C")

    doc = Doc(format=(110, 150))
    doc.add_font("cjk", fname=str(font()))
    doc.set_auto_page_break(True, margin=18)
    doc.add_page()
    title, *body = text.strip().splitlines()
    doc.set_font("cjk", size=16)
    doc.multi_cell(0, 9, title, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=12)
    for line in body:  # 公文 style: every paragraph's first line indented by two characters
        doc.multi_cell(0, 7, "\u3000\u3000" + line, wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
    doc.output(str(path))
    return path


def scanned_pdf(path: Path) -> Path:
    """A PDF holding only an image of text (no text layer), as a scanner makes."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    img = Image.new("L", (600, 300), 255)
    ImageDraw.Draw(img).rectangle((40, 40, 560, 80), fill=0)
    doc = FPDF()
    doc.add_page()
    doc.image(img, x=10, y=10, w=180)
    doc.output(str(path))
    return path


def docx(text: str, path: Path, table: list[list[str]] | None = None) -> Path:
    """A Word document: one paragraph per line (and a table after the second paragraph when given)."""
    import docx as python_docx

    document = python_docx.Document()
    for i, line in enumerate(text.strip().splitlines()):
        document.add_paragraph(line)
        if table and i == 1:
            t = document.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for c, value in enumerate(row):
                    t.cell(r, c).text = value
    document.save(str(path))
    return path


def traditional(text: str) -> str:
    """The plan in Traditional characters (as a Hong Kong or Taiwan mirror serves it)."""
    from opencc import OpenCC

    return OpenCC("s2t").convert(text)
