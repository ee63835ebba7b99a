"""The codebook's cue lexicon and boundary rules as a scorer (:class:`CueRules`)."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick

from policylens.taxonomy.codebook import OTHER, Codebook


class CueMatcher:
    """Leftmost-longest, non-overlapping occurrences of a set of terms, in one Aho–Corasick pass.

    The same hits, in the same order, as ``re.finditer`` over the alternation of the terms
    sorted longest first (at each position the longest term starting there, then on after
    it), which is what the cue lexicon means; the automaton (``pyahocorasick``) finds every
    occurrence in one pass over the text instead of trying each of ~1,600 alternatives at
    each position. (``Automaton.iter_long`` is not used: it misses a shorter term after a
    longer one failed to complete.)
    """

    def __init__(self, terms: Iterable[str]):
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        self._empty = True
        for term in terms:
            if term:
                self._automaton.add_word(term, (len(term) - 1, term))
                self._empty = False
        if not self._empty:
            self._automaton.make_automaton()

    def findall(self, text: str) -> list[str]:
        """The terms found in ``text``, in text order."""
        if self._empty or not text:
            return []
        # occurrences come by end position, so the last one seen for a start is the longest there
        longest = {end - back: term for end, (back, term) in self._automaton.iter(text)}
        out: list[str] = []
        pos = 0
        for start in sorted(longest):
            if start >= pos:
                term = longest[start]
                out.append(term)
                pos = start + len(term)
        return out


# --------------------------------------------------------------------------- cue rules

@dataclass
class RuleResult:
    """Rule scores for one task and the cue hits behind them."""

    scores: dict[str, float]
    heading_hits: Counter
    body_hits: Counter
    notes: list[str]
    forced_secondary: list[str]
    level_scores: dict[str, float]
    heading: str = ""
    body: str = ""
    # the scores last ranked and their ranking: the boundary rules ask for it again and again
    _ranked: tuple = field(default=(), init=False, repr=False, compare=False)

    def top(self) -> tuple[str, float, float]:
        """(best domain, its score, runner-up score): ranked by score, ties by code."""
        state = tuple(self.scores.items())
        if self._ranked and self._ranked[0] == state:
            return self._ranked[1]
        self._ranked = (state, self._rank())
        return self._ranked[1]

    def _rank(self) -> tuple[str, float, float]:
        items = iter(self.scores.items())
        top, best = next(items)
        second = None
        for code, value in items:           # one pass instead of sorting 19 scores per call
            if value > best or (value == best and code < top):
                second, top, best = best, code, value
            elif second is None or value > second:
                second = value
        return top, best, 0.0 if second is None else second


class CueRules:
    """The codebook's cue lexicon and boundary rules as a scorer."""

    def __init__(self, book: Codebook, heading_weight: float, body_cap: float):
        self.book = book
        self.heading_weight = heading_weight
        self.body_cap = body_cap
        # `other` is scored only when the codebook gives it positive cues (duties outside
        # education: 驻村, 文明城市 ...); its weight-0 entries are masks
        other_cued = any(w.get(OTHER, 0.0) > 0 for w in book.cues.values())
        self.codes = [c for c in book.codes if c != OTHER or other_cued]
        terms = sorted(set(book.cues) | set(book.level_cues), key=lambda t: (-len(t), t))
        self._matcher = CueMatcher(terms)
        # term -> ((domain, weight), ...) for the scored domains, so one pass over the hits scores all
        scored = set(self.codes)
        self._weights = {t: tuple((d, w) for d, w in ws.items() if d in scored) for t, ws in book.cues.items()}
        self._levels = {t: tuple(ws.items()) for t, ws in book.level_cues.items()}
        rules = book.rules
        self.construction = set(rules.get("construction_cues", []))
        self.level_domains = list(rules.get("level_domains", []))
        self.higher_vocational = set(rules.get("higher_vocational_cues", []))
        self.senior_reform = set(rules.get("senior_reform_cues", []))
        self.staff_ratio = float(rules.get("staff_ratio", 0.6))
        self.double_reduction = str(rules.get("double_reduction_cue", "双减"))
        self.double_reduction_ratio = float(rules.get("double_reduction_ratio", 0.6))
        self.tie_ratio = float(rules.get("heading_tie_ratio", 1.0))
        self.admission = set(rules.get("admission_cues", []))
        self.admission_levels = list(rules.get("admission_levels", []))
        self.admission_ratio = float(rules.get("admission_ratio", 0.5))
        self.generic_heading = set(rules.get("generic_heading_cues", []))
        self.across_levels = set(rules.get("across_level_cues", ["全面改薄", "改薄", "布局规划", "布局调整", "教育设施"]))
        self.share_weight = float(rules.get("text_share_weight", 0.0))
        self.school_sport = tuple(rules.get("school_sport_cues", []))
        self.school_sport_ratio = float(rules.get("school_sport_ratio", 0.5))
        staff = sorted(rules.get("staff_nouns", []), key=lambda t: (-len(t), t))
        self._staff_after = re.compile("的?(?:" + "|".join(map(re.escape, staff)) + ")") if staff else None

    def _hits(self, text: str) -> Counter:
        return Counter(self._matcher.findall(text))

    def _head_factor(self, term: str) -> float:
        """Weight of a heading cue: ``heading_weight``, but generic headings (深化综合改革,
        统筹推进 ...) name a manner of working rather than an area, so their cues count
        like body cues and the body decides."""
        return 1.0 if term in self.generic_heading else self.heading_weight

    def _domain_scores(self, hits_head: Counter, hits_body: Counter) -> dict[str, float]:
        """Every scored domain's cue score: heading cues × their factor × count, then body cues ×
        their count capped at ``body_cap`` (summed in hit order, heading first)."""
        scores = dict.fromkeys(self.codes, 0.0)
        weights = self._weights
        for term, n in hits_head.items():
            factor = self._head_factor(term)
            for domain, w in weights.get(term, ()):
                scores[domain] += w * factor * n
        for term, n in hits_body.items():
            capped = min(n, self.body_cap)
            for domain, w in weights.get(term, ()):
                scores[domain] += w * capped
        return scores

    def contributions(self, res: RuleResult, domain: str) -> tuple[list[tuple[str, int, float]], list[tuple[str, int, float]]]:
        """Cues that scored for ``domain``: (term, count, points) for heading and for body."""
        def part(hits: Counter, head: bool, cap: float | None) -> list[tuple[str, int, float]]:
            out = []
            cues = self.book.cues
            for term, n in hits.items():
                w = cues[term].get(domain, 0.0) if term in cues else 0.0
                if w > 0:
                    factor = self._head_factor(term) if head else 1.0
                    out.append((term, n, w * factor * (min(n, cap) if cap else n)))
            return sorted(out, key=lambda x: (-x[2], x[0]))
        return part(res.heading_hits, True, None), part(res.body_hits, False, self.body_cap)

    def score(self, heading: str, body: str) -> RuleResult:
        """Score every domain for one task and apply the codebook's boundary rules."""
        hh, bh = self._hits(heading), self._hits(body)
        scores = self._domain_scores(hh, bh)
        notes: list[str] = []
        forced: list[str] = []
        # Level facet scores (heading weighted like domains).
        # Same leftmost-longest hits as the domains, so a longer domain cue masks level cues inside it.
        level_scores: dict[str, float] = {}
        levels = self._levels
        for hits, factor in ((hh, self.heading_weight), (bh, 1.0)):  # level facet unchanged
            for term, n in hits.items():
                for lv, w in levels.get(term, ()):
                    level_scores[lv] = level_scores.get(lv, 0.0) + w * factor * (n if factor != 1.0 else min(n, self.body_cap))
        if self.share_weight > 0:
            self._add_text_share(scores, body)
        res = RuleResult(scores, hh, bh, notes, forced, level_scores, heading, body)
        self._rule_build_for_level(res)
        self._rule_higher_vocational(res)
        self._rule_senior_reform(res)
        self._rule_staff_for_level(res)
        self._rule_admission_system(res)
        self._rule_double_reduction(res)
        self._rule_school_sport(res)
        self._rule_public_sport(res)
        self._rule_heading_tiebreak(res)
        return res

    def _add_text_share(self, scores: dict[str, float], body: str) -> None:
        """"The primary domain is the one that takes most of its text": each body sentence
        (split at 。；！？) goes to the domain its cues favour, and a domain gains
        ``text_share_weight`` × the share of body characters in its sentences."""
        sentences = [s for s in re.split(r"[。；;！？!?]", body) if s.strip()]
        total = sum(len(s) for s in sentences)
        if total <= 0:
            return
        chars: Counter = Counter()
        for sent in sentences:
            hits = self._hits(sent)
            local = {c: sum(self.book.cues.get(t, {}).get(c, 0.0) * n for t, n in hits.items()) for c in self.codes}
            best = max(local.values()) if local else 0.0
            winners = [c for c, v in local.items() if v == best]
            if best > 0 and len(winners) == 1:
                chars[winners[0]] += len(sent)
        for c, n in chars.items():
            if scores.get(c, 0.0) > 0:
                scores[c] += self.share_weight * n / total

    def _heading_score(self, res: RuleResult, domain: str, skip: Iterable[str] = ()) -> float:
        skip = set(skip)
        return sum(self.book.cues.get(t, {}).get(domain, 0.0) * self._head_factor(t) * n
                   for t, n in res.heading_hits.items() if t not in skip)

    def _staff_modifiers(self, res: RuleResult) -> set[str]:
        """Heading cues that only qualify a staff noun (特殊教育教师, 幼儿园园长, 职业院校的教师)."""
        if self._staff_after is None or not res.heading:
            return set()
        out = set()
        for term in res.heading_hits:
            start = res.heading.find(term)
            while start >= 0:
                if self._staff_after.match(res.heading, start + len(term)):
                    out.add(term)
                    break
                start = res.heading.find(term, start + 1)
        return out

    def _rule_staff_for_level(self, res: RuleResult) -> None:
        """Code what the task does: developing teachers or heads *for* one level is `teachers`.

        Fires when a level domain leads, the heading names staff at least as strongly
        as it names the level, and `teachers` is within ``staff_ratio`` of the lead.
        """
        scores = res.scores
        if res.notes:
            return
        top, top_score, _ = res.top()
        if top not in self.level_domains:
            return
        head_staff = self._heading_score(res, "teachers")
        # a level/group word that only qualifies the staff noun (特殊教育教师) does not name the level
        modifiers = self._staff_modifiers(res)
        if head_staff <= 0 or head_staff < self._heading_score(res, top, skip=modifiers):
            return
        if scores.get("teachers", 0.0) >= self.staff_ratio * top_score:
            scores["teachers"] = top_score + 1.0
            res.forced_secondary.append(top)
            res.notes.append(f"rule staff-for-one-level → teachers (+{top})")

    def _rule_admission_system(self, res: RuleResult) -> None:
        """Admissions and examination systems are `governance`, even for one level (中考招生, 高考招生)."""
        scores = res.scores
        if res.notes:
            return
        top, top_score, _ = res.top()
        if top not in self.admission_levels:
            return
        if not any(t in self.admission for t in res.heading_hits):
            return
        if scores.get("governance", 0.0) >= self.admission_ratio * top_score:
            scores["governance"] = top_score + 1.0
            res.forced_secondary.append(top)
            res.notes.append(f"rule admission/exam system → governance (+{top})")

    def _rule_double_reduction(self, res: RuleResult) -> None:
        """双减: the in-school side is `curriculum`, the training-sector side `private`.

        A task headed by 双减 alone (no other private cue in the heading) that also
        carries substantial in-school work is `curriculum`; a 双减 heading that names
        the training sector (校外, 培训机构 ...) is `private`.
        """
        cue = self.double_reduction
        if cue not in res.heading_hits:      # only a 双减 heading decides a side
            return
        scores = res.scores
        top, _, _ = res.top()
        cur, pri = scores.get("curriculum", 0.0), scores.get("private", 0.0)
        head_private = self._heading_score(res, "private", skip=(cue,))
        head_school = self._heading_score(res, "curriculum", skip=(cue,))
        if top == "private" and head_private <= 0 and cur >= self.double_reduction_ratio * pri:
            scores["curriculum"] = pri + 1.0
            res.forced_secondary.append("private")
            res.notes.append("rule 双减 (in-school side) → curriculum")
        elif top == "curriculum" and head_private > 0 and head_school <= 0 \
                and pri >= self.double_reduction_ratio * cur:
            scores["private"] = cur + 1.0
            res.forced_secondary.append("curriculum")
            res.notes.append("rule 双减 (training-sector side) → private")

    def _rule_heading_tiebreak(self, res: RuleResult) -> None:
        """The heading breaks ties: near-equal leaders, only one of them named in the heading."""
        if res.notes or self.tie_ratio <= 1.0:
            return
        top, s1, s2 = res.top()
        if s2 <= 0 or s1 > self.tie_ratio * s2:
            return
        # the runner-up as ranked by score, then code
        second = min(code for code, score in res.scores.items() if score == s2 and code != top)
        if self._heading_score(res, top) <= 0 < self._heading_score(res, second):
            res.scores[second] = s1 + 0.5
            res.notes.append(f"rule heading breaks tie → {second}")

    def _rule_senior_reform(self, res: RuleResult) -> None:
        """Senior high's own reforms (选课走班, 新高考, 生涯规划) are `senior_secondary`, not `curriculum`."""
        scores = res.scores
        top, top_score, _ = res.top()
        if top != "curriculum":
            return
        head_senior = any(self.book.cues.get(t, {}).get("senior_secondary", 0) >= 2 for t in res.heading_hits)
        reform = sum(n for t, n in res.body_hits.items() if t in self.senior_reform)
        reform += sum(n for t, n in res.heading_hits.items() if t in self.senior_reform)
        if (head_senior and reform >= 1) or reform >= 3:
            scores["senior_secondary"] = top_score + 1.0
            res.forced_secondary.append("curriculum")
            res.notes.append("rule senior-high-reform → senior_secondary")

    def _rule_build_for_level(self, res: RuleResult) -> None:
        """Building/expanding schools for one level or group → that level, `infrastructure` secondary."""
        scores = res.scores
        if any(t in res.heading_hits for t in self.across_levels):
            self._across_levels(res)
            return
        build_head = [t for t in res.heading_hits if t in self.construction]
        build_body = [t for t in res.body_hits if t in self.construction]
        if not (build_head or build_body):
            return
        level_head = [d for d in self.level_domains
                      if any(self.book.cues.get(t, {}).get(d, 0) >= 2 for t in res.heading_hits)]
        infra = scores.get("infrastructure", 0.0)
        top, top_score, _ = res.top()
        target = None
        if build_head and len(level_head) == 1:
            target = level_head[0]            # e.g. heading 新建改扩建7所普通高中
        elif top == "infrastructure":
            strong = [d for d in self.level_domains if scores.get(d, 0.0) >= 0.5 * infra]
            if len(strong) == 1:
                target = strong[0]
        if target is None:
            return
        if scores[target] <= max(scores.values()):
            scores[target] = max(scores.values()) + 1.0
        res.forced_secondary.append("infrastructure")
        res.notes.append(f"rule build-for-one-level → {target} (+infrastructure)")

    def _across_levels(self, res: RuleResult) -> None:
        """A heading naming across-level construction (布局调整, 全面改薄) is `infrastructure`,
        even when its body names the levels it reorganizes (小学, 初中, 教学点)."""
        scores = res.scores
        top, top_score, _ = res.top()
        if top in self.level_domains and scores.get("infrastructure", 0.0) > 0:
            scores["infrastructure"] = top_score + 1.0
            res.forced_secondary.append(top)
            res.notes.append(f"rule across-level construction → infrastructure (+{top})")

    def _rule_school_sport(self, res: RuleResult) -> None:
        """School PE stays `whole_person`: a sport-led task whose heading names the school or its
        pupils (学校, 学生, 校园 ...) goes to `whole_person` when that domain is within
        ``school_sport_ratio`` of `sport`."""
        scores = res.scores
        if res.notes:
            return
        top, top_score, _ = res.top()
        if top != "sport" or not any(t in res.heading for t in self.school_sport):
            return
        if scores.get("whole_person", 0.0) >= self.school_sport_ratio * top_score:
            scores["whole_person"] = top_score + 1.0
            res.forced_secondary.append("sport")
            res.notes.append("rule school sport → whole_person (+sport)")

    def _rule_public_sport(self, res: RuleResult) -> None:
        """Sport for the public is `sport`: `whole_person` is the education of pupils, so a
        whole_person-led task with a sport cue that names no school and no pupils anywhere
        (``school_sport_cues`` in heading or body) goes to `sport` (体育强县, 农民篮球赛)."""
        scores = res.scores
        if res.notes:
            return
        top, top_score, _ = res.top()
        if top != "whole_person" or scores.get("sport", 0.0) <= 0:
            return
        if any(t in res.heading or t in res.body for t in self.school_sport):
            return
        scores["sport"] = top_score + 1.0
        res.forced_secondary.append("whole_person")
        res.notes.append("rule sport with no school or pupils named → sport")

    def _rule_higher_vocational(self, res: RuleResult) -> None:
        """Higher vocational colleges are `vocational`, even under a higher-education heading."""
        scores = res.scores
        top, _, _ = res.top()
        if top != "higher_lifelong":
            return
        hv_body = sum(n for t, n in res.body_hits.items() if t in self.higher_vocational)
        hv_head = sum(n for t, n in res.heading_hits.items() if t in self.higher_vocational)
        if hv_head + hv_body < 1:
            return
        voc_body = sum(self.book.cues.get(t, {}).get("vocational", 0) * min(n, self.body_cap)
                       for t, n in res.body_hits.items())
        hl_body = sum(self.book.cues.get(t, {}).get("higher_lifelong", 0) * min(n, self.body_cap)
                      for t, n in res.body_hits.items())
        # compare bodies (the heading may say 高等教育); one college named needs a body it dominates
        if hv_head or (hv_body >= 2 and voc_body >= hl_body) or voc_body > hl_body:
            scores["vocational"] = scores["higher_lifelong"] + 1.0
            res.forced_secondary.append("higher_lifelong")
            res.notes.append("rule higher-vocational → vocational")


