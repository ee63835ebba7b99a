"""Manifest metadata inferred from a plan's text, each field with its status and evidence.

:func:`infer_metadata` reads the raw text (its header lines: 来源, 发文机关,
发布时间) and the cleaned text, and returns one :class:`Field` per manifest
column: the value, its status — ``read`` (stated by the document: a title line,
a source line, a stated plan year), ``inferred`` (reasoned from evidence; listed
in the manifest's ``inferred`` column until a flag confirms it) or ``given`` (a
command-line flag) — and the evidence.

Places come from cpca's gazetteer (provinces, prefectures, counties and
districts with their codes); cues that point to a place without naming it (驻青
= Qingdao) and the periods of regional plans are data in
``data/place_cues.yaml``. An anonymized plan ("X市", "某县") is matched to the
prefectures whose division make-up (counties, county-level cities, districts)
equals the one its text lists, within the provinces its text implies.
"""
from __future__ import annotations

import csv
import importlib.resources
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from policylens import config
from policylens.rulefile import RuleModel, load_yaml

STATUS = ("read", "inferred", "given")
_TYPE_WORDS = (("工作要点", "work_key_points"), ("要点", "work_key_points"), ("工作安排", "work_arrangement"),
               ("行动计划", "multi_year_action_plan"), ("行动方案", "multi_year_action_plan"),
               ("规划", "development_plan"), ("工作计划", "annual_plan"), ("工作打算", "annual_plan"),
               ("打算", "annual_plan"), ("计划", "annual_plan"))
_ORG = re.compile(r"[\u4e00-\u9fffX某]{1,12}?(?:教育和体育局|教育体育局|教体局|教育局|教育委员会|教委|教育厅|"
                  r"人民政府办公室|人民政府办公厅|人民政府|教育工作领导小组)")
_RANGE = re.compile(r"((?:19|20)\d\d)\s{0,2}年?\s{0,2}[-—–~～至到]{1,2}\s{0,2}((?:19|20)\d\d)")
_YEAR_IS = re.compile(r"((?:19|20)\d\d)\s{0,2}年\s{0,2}[,，]?\s{0,2}(?:是|为)")
_YEAR = re.compile(r"((?:19|20)\d\d)\s{0,2}年")
_DATE = re.compile(r"((?:19|20)\d\d)[-/.年](\d{1,2})[-/.月](\d{1,2})")
_ANON = re.compile(r"(?<![A-Za-z])(?:XX|X|×|某)(?:自治区|省|市|县|区|旗|镇)")
_ANON_LIST = re.compile(r"(?:X|某)(?:县|市|区|旗)(?:[、,，和及](?:X|某)(?:县|市|区|旗)){1,12}")
_PROVINCE_EN = {"内蒙古": "Inner Mongolia", "西藏": "Tibet", "陕西": "Shaanxi", "香港": "Hong Kong", "澳门": "Macau"}


@dataclass(frozen=True)
class Field:
    """One inferred manifest field."""

    name: str
    value: str
    status: str
    evidence: str


# --------------------------------------------------------------------------
# data: gazetteer and cues


class _Cue(RuleModel):
    cue: str
    place: str
    reason: str


class _ReferencePlan(RuleModel):
    name: str
    province: str
    start: int
    end: int
    reason: str


class _CueFile(RuleModel):
    version: int
    cues: list[_Cue]
    reference_plans: list[_ReferencePlan]


@lru_cache(maxsize=1)
def cues() -> _CueFile:
    """``data/place_cues.yaml``, validated."""
    return load_yaml(config.PACKAGE_DATA / "place_cues.yaml", _CueFile)


@dataclass(frozen=True)
class Place:
    """A gazetteer entry."""

    name: str
    code: str       # 12-digit adcode
    level: str      # province, prefecture, county, district

    @property
    def short(self) -> str:
        return short_name(self.name)


def short_name(name: str) -> str:
    """包头市 → 包头, 广西壮族自治区 → 广西, 甘南藏族自治州 → 甘南."""
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "地区", "省",
                   "市", "盟", "县", "区", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            name = name[: -len(suffix)]
            break
    m = re.match(r"(.{2,}?)(?:[\u4e00-\u9fff]{1,3}族)+$", name)
    return m.group(1) if m and len(name) > 3 else name


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Place]:
    """Every province, prefecture and county-level unit of cpca's gazetteer, by code."""
    path = importlib.resources.files("cpca") / "resources" / "adcodes.csv"
    out: dict[str, Place] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code, name = row["adcode"], row["name"]
            if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                continue
            if code[2:] == "0" * 10:
                level = "province"
            elif code[4:] == "0" * 8:
                level = "prefecture"
            elif code[6:] == "0" * 6:
                level = "district" if name.endswith("区") else "county"
            else:
                continue
            out[code] = Place(name, code, level)
    return out


def province_of(place: Place) -> Place | None:
    """The province holding a place."""
    return gazetteer().get(place.code[:2] + "0" * 10)


def prefecture_of(place: Place) -> Place:
    """The prefecture holding a county-level place (a municipality for its districts)."""
    return gazetteer().get(place.code[:4] + "0" * 8) or province_of(place) or place


def pinyin(name: str) -> str:
    """English form of a place name: 包头市 → Baotou, 内蒙古自治区 → Inner Mongolia."""
    from pypinyin import lazy_pinyin

    short = short_name(name)
    if short in _PROVINCE_EN:
        return _PROVINCE_EN[short]
    return "".join(lazy_pinyin(short)).capitalize()


# --------------------------------------------------------------------------
# inference


def _header(raw: str) -> list[str]:
    return [line.strip() for line in raw[:3000].splitlines() if line.strip()][:15]


def _title(raw: str, given: str) -> tuple[str, str]:
    for line in _header(raw)[:8]:
        clean = re.sub(r"[(（](?:最新|全文|转载)[)）]$", "", line)
        if len(clean) <= 45 and not re.search(r"[。，,；;！？]", clean) and any(w in clean for w, _ in _TYPE_WORDS):
            return clean, f"title line {clean!r}"
    if given:
        return given, "title of the page/document properties"
    return "", ""


def _places_in(text: str, levels: tuple[str, ...] = ("prefecture", "county", "district")) -> Counter:
    """Full-name mentions of gazetteer places (longest names first, so 防城港市 beats 防城)."""
    counts: Counter = Counter()
    for place in gazetteer().values():
        if place.level in levels and len(place.name) >= 3:
            n = text.count(place.name)
            if n:
                counts[place.code] += n
    return counts


def _short_mentions(text: str) -> Counter:
    counts: Counter = Counter()
    for place in gazetteer().values():
        if place.level == "prefecture" and len(place.short) >= 2:
            n = text.count(place.short)
            if n >= 2:
                counts[place.code] += n
    return counts


def _composition(code4: str) -> Counter:
    kinds: Counter = Counter()
    for place in gazetteer().values():
        if place.code[:4] == code4 and place.level in ("county", "district"):
            kinds[place.name[-1] if place.name[-1] in "县市区旗" else "县"] += 1
    return kinds


def _anonymized_place(text: str) -> tuple[Place | None, Place | None, str]:
    """Province and prefecture of an anonymized plan, with the evidence."""
    why: list[str] = []
    provinces = [p for p in gazetteer().values() if p.level == "province"]
    if "自治区" in text:
        provinces = [p for p in provinces if p.name.endswith("自治区")]
        why.append("names 自治区 (an autonomous region)")
    lists = _ANON_LIST.findall(text)
    best_list = max(lists, key=len) if lists else ""
    if not best_list:
        return (provinces[0] if len(provinces) == 1 else None), None, "; ".join(why)
    wanted = Counter(m[-1] for m in re.findall(r"(?:X|某)[县市区旗]", best_list))
    why.append(f"lists its divisions as {best_list!r} ({', '.join(f'{n}×{k}' for k, n in sorted(wanted.items()))})")
    codes = {p.code[:2] for p in provinces}
    matches = [p for p in gazetteer().values() if p.level == "prefecture" and p.code[:2] in codes
               and _composition(p.code[:4]) == wanted]
    if len(matches) == 1:
        pref = matches[0]
        members = sorted(p.name for p in gazetteer().values() if p.code[:4] == pref.code[:4]
                         and p.level in ("county", "district"))
        why.append(f"the only prefecture with that make-up in cpca's gazetteer among "
                   f"{'autonomous regions' if len(codes) < 34 else 'all provinces'}: {pref.name} ({'、'.join(members)})")
        return province_of(pref), pref, "; ".join(why)
    if matches:
        why.append(f"{len(matches)} prefectures have that make-up: {'、'.join(p.name for p in matches[:6])}")
        provs = {m.code[:2] for m in matches}
        if len(provs) == 1:
            return province_of(matches[0]), None, "; ".join(why)
    return None, None, "; ".join(why)


def infer_metadata(raw: str, clean: str, *, title_hint: str = "", date_hint: str = "",
                   filename: str = "") -> dict[str, Field]:
    """Infer every manifest field that the text can tell (see the module docstring)."""
    fields: dict[str, Field] = {}

    def put(name: str, value: object, status: str, evidence: str) -> None:
        fields[name] = Field(name, str(value), status, evidence)

    header = _header(raw)
    title, title_why = _title(raw, title_hint)
    meta: dict[str, str] = {}
    for line in header:
        for key, value in re.findall(r"(来源|发文机关|发布机构|发布时间|发布日期|时间|日期|成文日期)\s{0,3}[:：]\s{0,3}"
                                     r"([^\s|｜]{1,40})", line):
            meta.setdefault(key, value)
    page_date = ""
    for key in ("发布时间", "发布日期", "成文日期", "时间", "日期"):
        if key in meta and (m := _DATE.search(meta[key])):
            page_date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            break
    date_why = "page header date"
    if not page_date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_hint):
        page_date, date_why = date_hint, "the page's publication date (HTML metadata)"
    # issuing body
    body, body_why = "", ""
    for key in ("发文机关", "发布机构", "来源"):
        if key in meta and (m := _ORG.search(meta[key])):
            body, body_why = m.group(0), f"header line {key}: {meta[key]}"
            break
    if not body and title and (m := _ORG.search(title)):
        body, body_why = m.group(0), f"title {title!r}"
    if not body:
        for line in [line.strip() for line in raw.splitlines() if line.strip()][-6:]:
            if (m := _ORG.fullmatch(line)):
                body, body_why = m.group(0), f"signature line {line!r}"
    # place
    anonymized = len(_ANON.findall(clean)) >= 2
    province = prefecture = county = None
    place_status, place_why = "read", ""
    named = _places_in(body + " " + title)
    if named:
        # the most specific place: a county/district inside a named prefecture beats the prefecture
        place = gazetteer()[max(named, key=lambda c: (named[c] + (c[:4] + "0" * 8 in named), c[4:6] != "00",
                                                      len(gazetteer()[c].name), c))]
        place_why = f"names {place.name} in {'the issuing body' if place.name in body else 'the title'}"
    else:
        place = None
        counts = _places_in(clean, ("prefecture",)) + _short_mentions(clean)
        if counts:
            code, n = counts.most_common(1)[0]
            place = gazetteer()[code]
            share = n / sum(counts.values())
            if n >= 2 and share >= 0.5:
                place_status = "read" if n >= 3 else "inferred"
                place_why = f"the text names {place.short} {n} times ({share:.0%} of place mentions)"
            else:
                place = None
        if place is None and not anonymized:
            hits = Counter()
            reasons: dict[str, str] = {}
            for cue in cues().cues:
                if cue.cue in clean:
                    hits[cue.place] += 1
                    reasons.setdefault(cue.place, "")
                    reasons[cue.place] += f"{'; ' if reasons[cue.place] else ''}names {cue.cue} ({cue.reason})"
            if hits:
                name = hits.most_common(1)[0][0]
                place = next(p for p in gazetteer().values() if p.name == name and p.level == "prefecture")
                place_status, place_why = "inferred", reasons[name]
    if place is not None:
        if place.level in ("county", "district"):
            county, prefecture = place, prefecture_of(place)
        else:
            prefecture = place if place.level == "prefecture" else None
        province = province_of(place)
    elif anonymized:
        province, prefecture, place_why = _anonymized_place(clean)
        place_status = "inferred"
    if anonymized:
        suffix = f"({prefecture.name})" if prefecture else ""
        put("city_zh", "X市" + suffix, "inferred", "place names replaced by X in the text"
            + (f"; {place_why}" if place_why else ""))
        put("city_en", f"X city (likely {pinyin(prefecture.name)})" if prefecture else "X city", "inferred",
            "from city_zh")
    elif prefecture is not None:
        put("city_zh", prefecture.name, place_status, place_why)
        put("city_en", pinyin(prefecture.name), place_status, "pinyin of city_zh")
    if county is not None:
        put("county_zh", county.name, place_status, place_why)
    if province is not None:
        put("province_zh", province.name, place_status if not anonymized else "inferred",
            f"{'the gazetteer code of ' + (prefecture or county).name if (prefecture or county) else place_why}")
        put("province_en", pinyin(province.name), fields["province_zh"].status, "English name of province_zh")
    put("anonymized", "true" if anonymized else "false", "read" if anonymized else "inferred",
        f"{len(_ANON.findall(clean))} place names written as X/某" if anonymized else "no X市/某县 placeholders")
    # admin level
    scope = Counter(re.findall(r"全(市|县|区|镇|省)", clean))
    if county is not None:
        level, why = county.level, f"the issuing place {county.name} is a {county.level}"
    elif "省" == (scope.most_common(1)[0][0] if scope else ""):
        level, why = "province", "the text speaks of 全省"
    else:
        top = scope.most_common(1)[0][0] if scope else "市"
        level = {"市": "prefecture", "县": "county", "区": "district", "镇": "town"}.get(top, "prefecture")
        why = f"the text says 全{top} {scope[top]} times" if scope else "a city (市) plan"
    put("admin_level", level, "inferred", why)
    # years
    head = clean[:400]
    years: tuple[int, int] | None = None
    if title and (m := _RANGE.search(title)):
        years, ywhy, ystat = (int(m.group(1)), int(m.group(2))), f"title {title!r}", "read"
    elif title and (m := _YEAR.search(title)):
        years, ywhy, ystat = (int(m.group(1)),) * 2, f"title {title!r}", "read"
    elif (m := _YEAR_IS.search(head)):
        years, ywhy, ystat = (int(m.group(1)),) * 2, f"the text opens {m.group(0)!r}…", "read"
    elif (m := _RANGE.search(head)):
        years, ywhy, ystat = (int(m.group(1)), int(m.group(2))), f"the text opens with the period {m.group(0)!r}", "read"
    else:
        for ref in cues().reference_plans:
            if ref.name in clean[:2000] and (province is None or province.name == ref.province):
                years = (ref.start, ref.end)
                ywhy, ystat = f"builds on the regional {ref.name} ({ref.reason})", "inferred"
                break
        else:
            ywhy, ystat = "", ""
    if years and page_date and abs(int(page_date[:4]) - years[0]) > 1 and ystat == "read":
        ystat, ywhy = "inferred", f"{ywhy} while the page is dated {page_date} (the page's date, not the plan's)"
    if years:
        put("plan_start_year", years[0], ystat, ywhy)
        put("plan_end_year", years[1], ystat, ywhy)
    # document type
    dtype = ""
    for word, kind in _TYPE_WORDS:
        if title and word in title:
            dtype, dwhy, dstat = kind, f"title says {word}", "read"
            break
    if dtype == "annual_plan" and years and years[1] > years[0]:
        dtype, dwhy = "multi_year_action_plan", dwhy + f" over {years[0]}-{years[1]}"
    if not dtype and years and years[0] == years[1]:
        dtype, dwhy, dstat = "work_key_points", (f"no title; a one-year plan ({ywhy}) listing numbered key tasks, "
                                                 "as 工作要点 documents do"), "inferred"
    if dtype:
        put("doc_type", dtype, dstat, dwhy)
    city = fields["city_zh"].value.split("(")[0] if "city_zh" in fields else ""
    if title:
        put("title", title, "read", title_why)
    elif city and years and dtype:
        word = {"work_key_points": "教育工作要点", "annual_plan": "教育工作计划", "work_arrangement": "教育工作安排"}.get(
            dtype, "教育行动计划")
        put("title", f"{city}{years[0]}年{word}", "inferred", "no title line in the text; made from place, year and type")
    # a county's or district's plan is issued by that place, not by the prefecture above it
    issuer = fields["county_zh"].value if "county_zh" in fields else city
    if body:
        put("issuing_body", body, "read", body_why)
    elif issuer:
        org = "人民政府" if dtype in ("multi_year_action_plan", "development_plan") else "教育局"
        where = "county or district" if "county_zh" in fields else "city"
        put("issuing_body", issuer + org, "inferred",
            f"no issuer named; a {'multi-year plan of the ' + where + ' is issued by its government' if org == '人民政府' else 'plan of the ' + where + ' education system is issued by its education bureau'}")
    if page_date:
        plan_year = years[0] if years else None
        if plan_year is None or abs(int(page_date[:4]) - plan_year) <= 2:
            put("published_date", page_date, "read", date_why)
        else:
            fields["page_date_note"] = Field("page_date_note", page_date, "inferred",
                                             "page date ignored: too far from the plan year (a mirror's date)")
    if filename:
        put("source_file", filename, "given", "the file added")
    return fields
