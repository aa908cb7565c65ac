"""Spoken-text normalizer: what a Vietnamese announcer says for what is written.

Table-driven (flows/speech/lexicon.yaml, extended by a workspace's content/lexicon.yaml) and offline.
Rules run in order, each on what the previous ones left: web addresses, document references, dates and
times, phone numbers, ranges, money and percentages, Roman numerals, abbreviations, numbers, then unknown
all-capital tokens spelled with Vietnamese letter names. After it, no digit, "/" or known abbreviation
is left for the voice to guess at.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

BUILTIN_LEXICON = Path(__file__).with_name("lexicon.yaml")
SECTIONS = ("abbreviations", "document_types", "document_issuers", "url_words", "letters")

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")


# --- numbers ------------------------------------------------------------------------------------------------
def _hundreds(n: int, full: bool) -> list[str]:
    """0–999; `full` says "không trăm"/"linh" as an inner group of a larger number must."""
    hundred, ten, unit = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundred or full:
        words += [DIGITS[hundred], "trăm"]
    if ten == 0:
        if unit:
            if hundred or full:
                words.append("linh")
            words.append(DIGITS[unit])
    elif ten == 1:
        words.append("mười")
        if unit:
            words.append("lăm" if unit == 5 else DIGITS[unit])
    else:
        words += [DIGITS[ten], "mươi"]
        if unit:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(unit, DIGITS[unit]))
    return words


def read_number(n: int) -> str:
    """Vietnamese cardinal: 21 hai mươi mốt, 105 một trăm linh năm, 2026 hai nghìn không trăm hai mươi sáu."""
    if n == 0:
        return "không"
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    if len(groups) > len(SCALES):
        return read_digits(str(sum(g * 1000**i for i, g in enumerate(groups))))
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        if groups[index]:
            words += _hundreds(groups[index], full=index != len(groups) - 1)
            if SCALES[index]:
                words.append(SCALES[index])
    return " ".join(words)


def read_digits(digits: str) -> str:
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())


def read_decimal(integer: str, fraction: str) -> str:
    """4,8 bốn phẩy tám; 3,14 ba phẩy mười bốn; 2,05 hai phẩy không năm."""
    whole = read_number(int(integer.replace(".", "")))
    spoken = read_digits(fraction) if fraction.startswith("0") else read_number(int(fraction))
    return f"{whole} phẩy {spoken}"


def read_amount(text: str) -> str:
    """A written amount: 50.000 (dots group thousands), 4,8 (comma marks decimals), 07."""
    if "," in text:
        integer, fraction = text.split(",", 1)
        return read_decimal(integer, fraction)
    return read_number(int(text.replace(".", "")))


def read_month(month: int) -> str:
    return "tư" if month == 4 else read_number(month)


def read_day(day: int) -> str:
    return f"mùng {read_number(day)}" if day <= 10 else read_number(day)


def read_ordinal(n: int) -> str:
    return {1: "nhất", 4: "tư"}.get(n, read_number(n))


ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(text: str) -> int | None:
    total, previous = 0, 0
    for char in reversed(text):
        value = ROMAN.get(char)
        if value is None:
            return None
        total += -value if value < previous else value
        previous = max(previous, value)
    return total if total > 0 and _to_roman(total) == text else None


def _to_roman(n: int) -> str:
    out = ""
    for value, symbol in (
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out += symbol
            n -= value
    return out


# --- lexicon ---------------------------------------------------------------------------------------------------
@dataclass
class Lexicon:
    abbreviations: dict[str, str] = field(default_factory=dict)
    document_types: dict[str, str] = field(default_factory=dict)
    document_issuers: dict[str, str] = field(default_factory=dict)
    url_words: dict[str, str] = field(default_factory=dict)
    letters: dict[str, str] = field(default_factory=dict)

    def merged(self, extra: dict[str, dict[str, str]]) -> Lexicon:
        return Lexicon(**{name: {**getattr(self, name), **(extra.get(name) or {})} for name in SECTIONS})

    @property
    def abbreviation_pattern(self) -> re.Pattern[str]:
        return _abbreviation_pattern(tuple(sorted(self.abbreviations, key=len, reverse=True)))


@cache
def _abbreviation_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w/])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w])")


def _read_yaml(path: Path) -> dict[str, dict[str, str]]:
    from ..core.errors import ConfigError, SourceProblem
    from ..core.yamlsource import load_yaml_file

    data = load_yaml_file(path).data or {}
    if not isinstance(data, dict) or any(k not in SECTIONS or not isinstance(v, dict | None) for k, v in data.items()):
        raise ConfigError(
            [
                SourceProblem(
                    path, f"chỉ được có các mục: {', '.join(SECTIONS)}, mỗi mục gồm các dòng 'chữ viết: cách đọc'"
                )
            ]
        )
    return {k: {str(a): "" if b is None else str(b) for a, b in (v or {}).items()} for k, v in data.items()}


@cache
def builtin_lexicon() -> Lexicon:
    return Lexicon().merged(_read_yaml(BUILTIN_LEXICON))


def load_lexicon(workspace_lexicon: Path | None = None) -> Lexicon:
    """The built-in lexicon, extended or overridden by a workspace's content/lexicon.yaml."""
    lexicon = builtin_lexicon()
    if workspace_lexicon is not None and workspace_lexicon.is_file():
        lexicon = lexicon.merged(_read_yaml(workspace_lexicon))
    return lexicon


# --- the rules -------------------------------------------------------------------------------------------------
UPPER = "A-ZĐÀ-ỸĂÂÊÔƠƯ"
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
DOC_TYPE_WORDS = (
    "Quyết định|Kế hoạch|Nghị quyết|Chỉ thị|Thông tư|Nghị định|Công văn|Báo cáo|Thông báo|Hướng dẫn|"
    "Luật|Văn bản|Tờ trình|Quy chế|Quy định|Thông tư liên tịch|Nghị quyết liên tịch|Đề án|Chương trình"
)
VIETNAMESE_SYLLABLE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?"
    r"[aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]{1,3}"
    r"(ng|nh|ch|[cmnpt])?$"
)


def _sub(pattern: str, text: str, replace: Callable[[re.Match[str]], str], flags: int = 0) -> str:
    return re.sub(pattern, replace, text, flags=flags)


def _urls_and_emails(text: str, lexicon: Lexicon) -> str:
    def label(word: str) -> str:
        if word.lower() in lexicon.url_words:
            return lexicon.url_words[word.lower()]
        if word.isalpha() and len(word) <= 5 and not VIETNAMESE_SYLLABLE.match(word.lower()):
            return _spell(word.upper(), lexicon)  # "ubnd@…" is spelled, "tin-tuc" is read
        parts = re.split(r"(\d+)", word)
        return " ".join(read_digits(p) if p.isdigit() else p.lower() for p in parts if p)

    def host(address: str) -> str:
        return " chấm ".join(w for w in (label(p) for p in address.split(".")) if w)

    def email(m: re.Match[str]) -> str:
        local, domain = m[0].split("@", 1)
        return f" {host(local)} a còng {host(domain)} "

    def url(m: re.Match[str]) -> str:
        address = re.sub(r"^https?://", "", m[0])
        hostname = address.partition("/")[0]
        # the host only: a path ("/p/home/dvc-tthc-thu-tuc.html") cannot be followed by ear
        return f" {host(hostname)} "

    text = _sub(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text, email)
    return _sub(
        r"(?:https?://|www\.)[^\s,;()]+[^\s,;().]|\b[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org)\b(?:/[^\s,;()]*[^\s,;().])?",
        text,
        url,
    )


def _document_references(text: str, lexicon: Lexicon) -> str:
    pattern = (
        rf"(?:\b((?i:{DOC_TYPE_WORDS}))\s+)?(?:(số|Số)\s+)?(\d+)/(?:(\d{{4}})/)?"
        rf"([{UPPER}][\w]*(?:-[{UPPER}][\w]*)*)"
    )

    def issuer_name(part: str) -> str:
        if m := re.fullmatch(r"QH(\d+)", part):
            return f"Quốc hội khóa {read_number(int(m[1]))}"
        return lexicon.document_issuers.get(part) or lexicon.abbreviations.get(part) or _spell(part, lexicon)

    def replace(m: re.Match[str]) -> str:
        type_word, so, number, year, code = m[1], m[2], m[3], m[4], m[5]
        if type_word and type_word.lower() == "đề án" and not so and number.startswith("0"):
            issuers = code.split("-")
            return f"{type_word} {read_digits(number)} của " + " ".join(issuer_name(p) for p in issuers)
        parts = code.split("-")
        doc_type = lexicon.document_types.get(parts[0])
        issuers = parts[1:] if doc_type else parts[:1]
        spoken = f"{type_word} số" if type_word else f"{doc_type or 'văn bản'} số"
        if so and not type_word:
            spoken = f"{doc_type} số" if doc_type else "số"
        spoken += f" {read_number(int(number))}"
        if year:
            spoken += f" năm {read_number(int(year))}"
        following = text[m.end() : m.end() + 40]
        # "… 247/QĐ-UBND ngày 20/01/2026 của Ủy ban nhân dân thành phố": the text names the issuer itself
        if issuers and not re.match(r"\s*,?\s*(ngày\s+[\d/.-]+\s*)?,?\s*của\b", following):
            spoken += " của " + " ".join(issuer_name(p) for p in issuers)
        return spoken

    return _sub(pattern, text, replace)


def _markup_and_comparisons(text: str) -> str:
    """HTML never reaches the voice: tags go, entities become their characters; < and > are words."""
    text = re.sub(r"<!--.*?-->|</?[A-Za-z][^<>]*>", " ", text, flags=re.S)
    text = html.unescape(text)
    text = _sub(r"Đề án\s+(0\d+)(?![\d/])", text, lambda m: f"Đề án {read_digits(m[1])}")
    for symbol, spoken in (
        ("≤", "không quá"),
        ("≥", "từ"),
        ("<=", "không quá"),
        (">=", "từ"),
        ("<", "dưới"),
        (">", "trên"),
    ):
        text = re.sub(rf"\s*{re.escape(symbol)}\s*(?=\d)", f" {spoken} ", text)
    return text


def _dates_and_times(text: str) -> str:
    # 7h30-11h30, 7:30 - 11:30: a time range is "đến", not a pause
    clock_time = r"\d{1,2}\s*(?:[hg]\d{0,2}|:\d{2})"
    text = re.sub(rf"(?<![\d,.])({clock_time})\s*[-–—]\s*({clock_time})(?![\d])", r"\1 đến \2", text)
    # "8 giờ 00", "8 giờ 30": the minutes after "giờ" without the word "phút"
    text = _sub(
        r"(?<![\d,.])(\d{1,2})\s+giờ\s+(\d{2})(?!\s*phút)(?![\d])",
        text,
        lambda m: f"{m[1]}h{m[2]}" if int(m[1]) <= 24 and int(m[2]) < 60 else m[0],
    )

    def full_date(m: re.Match[str]) -> str:
        day, month, year = int(m[2]), int(m[3]), int(m[4])
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return m[0]
        return f"ngày {read_day(day)} tháng {read_month(month)} năm {read_number(year)}"

    text = _sub(r"\b(ngày\s+)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b", text, full_date, re.IGNORECASE)

    def day_month(m: re.Match[str]) -> str:
        day, month = int(m[2]), int(m[3])
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return m[0]
        return f"{m[1]} {read_day(day)} tháng {read_month(month)}"

    text = _sub(r"\b(ngày|Ngày|từ|đến)\s+(\d{1,2})/(\d{1,2})\b(?!/)", text, day_month)

    def month_year(m: re.Match[str]) -> str:
        if not 1 <= int(m[2]) <= 12:
            return m[0]
        return f"{'tháng' if m[1] == 'T' else m[1]} {read_month(int(m[2]))} năm {read_number(int(m[3]))}"

    text = _sub(r"\b(tháng|Tháng|T)\s*(\d{1,2})\s*/\s*(\d{4})\b", text, month_year)
    text = _sub(
        r"\b(tháng|Tháng)\s+(\d{1,2})\b",
        text,
        lambda m: f"{m[1]} {read_month(int(m[2]))}" if 1 <= int(m[2]) <= 12 else m[0],
    )

    def clock(hour: str, minute: str | None) -> str:
        spoken = f"{read_number(int(hour))} giờ"
        if minute and int(minute):
            spoken += f" {read_number(int(minute))} phút"
        return spoken

    text = _sub(
        r"(?<![\d,.])(\d{1,2})\s*[hg](\d{2})?(?:\s*(?:phút|p)\b)?(?![\w])",
        text,
        lambda m: clock(m[1], m[2]) if int(m[1]) <= 24 and int(m[2] or 0) < 60 else m[0],
    )
    text = _sub(
        r"(?<![\d,.:])(\d{1,2}):(\d{2})(?![\d:])",
        text,
        lambda m: clock(m[1], m[2]) if int(m[1]) <= 24 and int(m[2]) < 60 else m[0],
    )
    # ISO 9001:2015 — a standard and its year
    return _sub(r"(?<![\d])(\d+):(\d{4})\b", text, lambda m: f"{read_number(int(m[1]))} năm {read_number(int(m[2]))}")


def _phone_numbers(text: str) -> str:
    def groups(parts: list[str]) -> str:
        return ", ".join(read_digits(p) for p in parts if p)

    def split_plain(digits: str) -> list[str]:
        if digits.startswith(("1800", "1900")):
            return [digits[:4], digits[4:]]
        if len(digits) == 10:
            return [digits[:4], digits[4:7], digits[7:]]
        if len(digits) == 11:
            return [digits[:4], digits[4:7], digits[7:]]
        return [digits[i : i + 3] for i in range(0, len(digits), 3)]

    def area_code(m: re.Match[str]) -> str:
        rest = re.sub(r"\D", "", m[2])
        parts = [rest[:3], rest[3:]] if len(rest) == 7 else [rest[:4], rest[4:]] if len(rest) == 8 else [rest]
        return groups([m[1], *parts])

    # (0210) 3.852.123, (0210) 3852123, 0210.3852123: the area code, then the subscriber's number
    text = _sub(r"\((0\d{2,3})\)\s*(\d(?:[ .]?\d){5,7})(?![\d,])", text, area_code)
    text = _sub(r"(?<![\d,.])(0\d{2,3})[ .](\d{7,8})(?![\d,])", text, area_code)
    # grouped with spaces or dots: 0225 3899 999, 0912.345.678, 1800 1096
    text = _sub(
        r"(?<![\d,.])((?:0\d{2,3}|1[89]00)(?:[ .]\d{2,4}){1,3})(?![\d,])",
        text,
        lambda m: groups(re.split(r"[ .]", m[1])) if 8 <= len(re.sub(r"\D", "", m[1])) <= 11 else m[0],
    )
    # written in one run: 0912345678, 18001096
    text = _sub(r"(?<![\d,.])(0\d{9,10}|1[89]00\d{4,6})(?![\d,]|\.\d)", text, lambda m: groups(split_plain(m[1])))
    # after words that announce a phone number, any digit run is read digit by digit
    return _sub(
        r"(điện thoại|đường dây nóng|hotline|Hotline|tổng đài|số máy)(:?\s+)(\d[\d .]{4,}\d)",
        text,
        lambda m: f"{m[1]}{m[2]}{groups(re.split(r'[ .]', m[3]))}",
    )


def _ranges_money_percent(text: str) -> str:
    # "02 tin, bài/tháng" is "mỗi tháng"; "4,8/5" is "bốn phẩy tám trên năm"
    text = re.sub(r"/\s*(tháng|năm|ngày|quý|tuần|người|hộ|lượt|lần|cuộc)\b", r" mỗi \1", text)
    text = _sub(
        rf"(?<![\w,.])({NUMBER})/({NUMBER})(?![\w/])", text, lambda m: f"{read_amount(m[1])} trên {read_amount(m[2])}"
    )
    text = _sub(
        rf"(?<![\w,.])({NUMBER})\s*(?:-|–|—)\s*({NUMBER})(?![\w])",
        text,
        lambda m: f"{read_amount(m[1])} đến {read_amount(m[2])}",
    )
    text = _sub(rf"(?<![\w,.])({NUMBER})\s*%", text, lambda m: f"{read_amount(m[1])} phần trăm")
    return _sub(rf"(?<![\w,.])({NUMBER})\s*(?:đồng|đ|VNĐ|VND|vnđ)(?![\w])", text, lambda m: f"{read_amount(m[1])} đồng")


def _roman_numerals(text: str) -> str:
    context = (
        r"quý|Quý|QUÝ|phần|Phần|PHẦN|mục|Mục|MỤC|chương|Chương|CHƯƠNG|khóa|Khóa|KHÓA|kỳ|Kỳ|đợt|Đợt|"
        r"lần thứ|thế kỷ|Thế kỷ|phụ lục|Phụ lục|PHỤ LỤC"
    )

    def in_context(m: re.Match[str]) -> str:
        value = roman_value(m[2])
        if value is None:
            return m[0]
        spoken = f"{m[1]} {read_number(value)}"
        return spoken + (f" năm {read_number(int(m[3]))}" if m[3] else "")

    text = _sub(rf"\b({context})\s+([IVXLC]+)(?:/(\d{{4}}))?\b", text, in_context)
    # a heading numbered "II. NỘI DUNG"
    return _sub(
        r"(?m)^(\s*)([IVX]+)\.(?=\s)",
        text,
        lambda m: f"{m[1]}{read_number(roman_value(m[2]) or 0).capitalize()}." if roman_value(m[2]) else m[0],
    )


def _abbreviations(text: str, lexicon: Lexicon) -> str:
    if not lexicon.abbreviations:
        return text

    def defined(m: re.Match[str]) -> str:
        # "cải cách hành chính (CCHC)": the text spells out the abbreviation it defines; say it once
        expansion = lexicon.abbreviations.get(m[1], "").lower()
        before = text[max(0, m.start() - 80) : m.start()].lower().rstrip()
        return "" if expansion and before.endswith(expansion) else m[0]

    text = re.sub(r"\s*\(([^()\s]+)\)", defined, text)
    return lexicon.abbreviation_pattern.sub(lambda m: lexicon.abbreviations[m[1]], text)


def _numbers(text: str) -> str:
    text = _sub(r"\b(thứ|Thứ)\s+(\d+)\b", text, lambda m: f"{m[1]} {read_ordinal(int(m[2]))}")
    text = _sub(
        r"(?<![\w,.])(\d+)\.(\d{1,2})(?![\d.,])",
        text,
        lambda m: f"{read_number(int(m[1]))} chấm {read_number(int(m[2]))}",
    )
    return _sub(rf"(?<![\w,])({NUMBER})(?![\d])", text, lambda m: read_amount(m[1]))


def _spell(token: str, lexicon: Lexicon) -> str:
    return " ".join(lexicon.letters.get(char, char.lower()) for char in token if char.isalnum())


def _unknown_capitals(text: str, lexicon: Lexicon) -> str:
    def replace(m: re.Match[str]) -> str:
        token = m[0]
        if VIETNAMESE_SYLLABLE.match(token.lower()):
            return token  # a word written in capitals ("MỤC ĐÍCH"), not an abbreviation
        return _spell(token, lexicon)

    return _sub(rf"(?<![\w])[{UPPER}]{{2,}}(?![\w])", text, replace)


def _symbols(text: str) -> str:
    text = text.replace("/", " trên ")
    text = re.sub(r"\s+[-–—]\s+", ", ", text)  # "Văn hóa - Xã hội": a short pause, never "gạch ngang"
    text = re.sub(r"(?<=\w)-(?=\w)", " ", text)
    for symbol, spoken in (("&", " và "), ("+", " cộng "), ("=", " bằng "), ("%", " phần trăm "), ("#", " số ")):
        text = text.replace(symbol, spoken)
    text = re.sub(r"[“”\"«»*_~`^|<>\[\]{}]", " ", text)
    text = re.sub(r"\s*[()]\s*", ", ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"^\s*,\s*|\s*,\s*$", "", text, flags=re.M)
    return re.sub(r"[ \t]+", " ", text).strip()


def normalize(text: str, lexicon: Lexicon | None = None) -> str:
    """The script the voice reads for `text`."""
    lexicon = lexicon or builtin_lexicon()
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    for rule in (
        _markup_and_comparisons,
        lambda t: _urls_and_emails(t, lexicon),
        lambda t: _document_references(t, lexicon),
        _dates_and_times,
        _phone_numbers,
        _ranges_money_percent,
        _roman_numerals,
        lambda t: _abbreviations(t, lexicon),
        _numbers,
        lambda t: _unknown_capitals(t, lexicon),
        _symbols,
    ):
        text = rule(text)
    return text
