"""Words at the edge: the one place where the core's codes become Vietnamese for officials.

The CLI, the web app, the reports and the schedule's printed files say a status, a channel, a period or an
error through this module; `--json` gives the code and this label side by side.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .core import errors as e

if TYPE_CHECKING:
    from .core.periods import ReportPeriod
    from .core.quota import NextReport
from .core.status import AiringStatus, ApprovalStatus, EventKind, Outlook, PeriodKind, Role, TaskStatus

CHANNELS = {
    "portal": "Trang thông tin điện tử",
    "infographic": "Infographic",
    "loudspeaker": "Loa truyền thanh",
    "social": "Mạng xã hội (Fanpage, Zalo OA)",
    "video": "Video ngắn",
    "newspaper": "Gửi báo, cổng thông tin tỉnh",
}
# the channel inside a sentence
CHANNEL_TEXT = {
    "portal": "trang thông tin điện tử",
    "infographic": "infographic",
    "loudspeaker": "loa truyền thanh",
    "social": "mạng xã hội (Fanpage, Zalo OA)",
    "video": "video ngắn",
    "newspaper": "gửi báo, cổng thông tin tỉnh",
}
# what a channel makes, for "chưa có … nào được tạo"
CHANNEL_PRODUCTS = {
    "portal": "bài đăng cổng thông tin",
    "loudspeaker": "tệp âm thanh",
    "infographic": "infographic",
    "social": "bài đăng mạng xã hội",
    "video": "video",
}
TASK_STATUS = {
    TaskStatus.NOT_STARTED: "chưa thực hiện",
    TaskStatus.IN_PROGRESS: "đang thực hiện",
    TaskStatus.DONE: "đã hoàn thành",
}
QUOTA_PERIODS = {"month": "tháng", "quarter": "quý", "year": "năm"}
APPROVAL = {
    ApprovalStatus.DRAFT: "chờ duyệt",
    ApprovalStatus.APPROVED: "đã duyệt",
    ApprovalStatus.REJECTED: "bị trả lại",
    ApprovalStatus.NEEDS_REAPPROVAL: "cần duyệt lại (đã sửa sau khi duyệt)",
}
EVENTS = {
    EventKind.APPROVED: "duyệt",
    EventKind.REJECTED: "trả lại",
    EventKind.PRODUCED: "sản xuất",
    EventKind.PUBLISHED: "đăng lên cổng",
    EventKind.UNPUBLISHED: "gỡ bài",
    EventKind.AIRED: "phát thanh",
    EventKind.FAILED: "lỗi sản xuất",
    EventKind.EDITED: "sửa bài",
    EventKind.INBOX_ACCEPTED: "nhận từ hộp tin",
    EventKind.INBOX_DISCARDED: "bỏ tin từ hộp tin",
    EventKind.ACTIVITY_CHANGED: "sửa hoạt động",
    EventKind.USER_ADDED: "thêm người dùng",
    EventKind.VOIDED: "hủy bản ghi nhầm",
    EventKind.POSTED: "đăng mạng xã hội, gửi báo",
    EventKind.TASK: "cập nhật nhiệm vụ",
}
OUTLOOK = {
    Outlook.MET: "đạt",
    Outlook.ON_TRACK: "đang thực hiện",
    Outlook.AT_RISK: "có nguy cơ không đạt",
    Outlook.MISSED: "không đạt",
    Outlook.NOT_STARTED: "chưa đến kỳ",
}
ROLES = {
    Role.EDITOR: "Biên tập viên",
    Role.APPROVER: "Lãnh đạo duyệt",
    Role.OPERATOR: "Đài truyền thanh",
    Role.REPORTER: "Báo cáo",
    Role.ADMIN: "Quản trị",
}
AIRING = {AiringStatus.AIRED: "đã phát", AiringStatus.UNCONFIRMED: "chưa xác nhận", AiringStatus.PLANNED: "sẽ phát"}
PRIORITY = {"khan-cap": "khẩn cấp", "uu-tien": "ưu tiên", "thuong": "thông thường"}
WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]
ROMAN_QUARTERS = ["I", "II", "III", "IV"]
PERIOD_EXAMPLES = {
    PeriodKind.MONTH: "2026-03 (tháng)",
    PeriodKind.QUARTER: "2026-Q1 (quý)",
    PeriodKind.HALF: "2026-H1 (6 tháng)",
    PeriodKind.YEAR: "2026 (năm)",
    PeriodKind.WEEK: "2026-W10 (tuần)",
    PeriodKind.RANGE: "2026-03-01..2026-03-15 (từ ngày đến ngày, báo cáo đột xuất)",
}


def period(p: ReportPeriod) -> str:
    """'tháng 03/2026', 'quý I năm 2026', '6 tháng đầu năm 2026', 'năm 2026', 'tuần 10 năm 2026'."""
    year = p.start.year
    if p.kind is PeriodKind.MONTH:
        return f"tháng {p.start.month:02d}/{year}"
    if p.kind is PeriodKind.QUARTER:
        return f"quý {ROMAN_QUARTERS[(p.start.month - 1) // 3]} năm {year}"
    if p.kind is PeriodKind.HALF:
        return f"{'6 tháng đầu' if p.start.month == 1 else '6 tháng cuối'} năm {year}"
    if p.kind is PeriodKind.WEEK:
        iso = p.start.isocalendar()
        return f"tuần {iso.week} năm {iso.year}"
    if p.kind is PeriodKind.RANGE:
        last = p.end - dt.timedelta(days=1)
        return f"từ ngày {p.start:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"
    return f"năm {year}"


def next_report(report: NextReport) -> str:
    """'Báo cáo quý II, 6 tháng đầu năm 2026'."""
    names = []
    for covered in report.covers:
        if covered.kind is PeriodKind.MONTH:
            return f"Báo cáo tháng {covered.start.month:02d}/{covered.start.year}"
        if covered.kind is PeriodKind.QUARTER:
            names.append(f"quý {ROMAN_QUARTERS[(covered.start.month - 1) // 3]}")
        elif covered.kind is PeriodKind.HALF:
            names.append("6 tháng đầu năm")
        else:
            names.append("năm")
    return f"Báo cáo {', '.join(names)} {report.covers[0].start.year}"


def _period_error(exc: e.InvalidPeriod) -> str:
    kinds = exc.allowed or (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF, PeriodKind.YEAR)
    examples = [PERIOD_EXAMPLES[PeriodKind(k)] for k in kinds]
    return f"Kỳ '{exc.text}' không hợp lệ. Dùng dạng {', '.join(examples[:-1])} hoặc {examples[-1]}."


def _time_error(exc: e.InvalidTime) -> str:
    if exc.date_only:
        return f"Ngày '{exc.text}' không hợp lệ. Ví dụ đúng: 2026-03-10 hoặc 10/03/2026."
    return f"Thời gian '{exc.text}' không hợp lệ. Ví dụ đúng: '2026-03-05 06:15' hoặc '05/03/2026 06:15'."


def _airing_refused(exc: e.AiringRefused) -> str:
    if exc.reason == "before_audio":
        made = exc.made.astimezone(exc.at.tzinfo) if hasattr(exc.made, "astimezone") else exc.made
        return (
            f"Không ghi nhận lần phát '{exc.item_id}' lúc {exc.at:%d/%m/%Y %H:%M}: khi đó chưa có tệp âm thanh "
            f"(tệp được tạo lúc {made:%d/%m/%Y %H:%M}). Kiểm tra lại ngày giờ; nếu đây là nhật ký của buổi phát "
            "từ trước (phát bằng tệp khác) được nhập bù, dùng thêm --ghi-bu."
        )
    return (
        f"Không ghi nhận lần phát '{exc.item_id}' lúc {exc.at:%d/%m/%Y %H:%M}: thời điểm này chưa đến. "
        "Kiểm tra lại ngày giờ (ví dụ '2026-03-05 06:15')."
    )


def _posting_refused(exc: e.PostingRefused) -> str:
    what = CHANNEL_TEXT.get(exc.channel, exc.channel)
    if exc.reason == "before_file":
        made = exc.made.astimezone(exc.at.tzinfo) if hasattr(exc.made, "astimezone") else exc.made
        return (
            f"Không ghi nhận {what} của '{exc.item_id}' lúc {exc.at:%d/%m/%Y %H:%M}: khi đó chưa có tệp "
            f"(tạo lúc {made:%d/%m/%Y %H:%M}). Kiểm tra lại ngày giờ, hoặc dùng --ghi-bu nếu nhập bù."
        )
    return f"Không ghi nhận {what} của '{exc.item_id}' lúc {exc.at:%d/%m/%Y %H:%M}: thời điểm này chưa đến."


def _air_log_error(exc: e.AirLogUnreadable) -> str:
    if exc.columns is not None:
        return (
            f"{exc.path}: cần một cột mã bài (item hoặc file) và một cột thời điểm (time); các cột đang có: "
            f"{', '.join(exc.columns)}."
        )
    return f"Không đọc được {exc.path}: {exc.reason}"


LEDGER_PROBLEMS = {
    "password": (
        "sai tên người dùng hoặc mật khẩu. Kiểm tra CCHC_DATABASE_URL "
        "(postgresql+psycopg://người-dùng:mật-khẩu@máy:cổng/tên)"
    ),
    "unreachable": (
        "không kết nối được máy chủ cơ sở dữ liệu. Kiểm tra máy chủ Postgres đang chạy, "
        "địa chỉ và cổng trong CCHC_DATABASE_URL"
    ),
    "no_database": "chưa có cơ sở dữ liệu này trên máy chủ. Tạo bằng: createdb <tên>",
    "driver": "thiếu trình kết nối cơ sở dữ liệu. Cài lại cchc: pip install -e .",
    "other": "không mở được sổ theo dõi",
}


def _ledger_error(exc: e.LedgerUnavailable) -> str:
    problem = LEDGER_PROBLEMS.get(exc.problem, LEDGER_PROBLEMS["other"])
    return f"Không mở được sổ theo dõi tại {exc.where}: {problem}."


_ERRORS = {
    e.NotAWorkspace: lambda x: (
        f"{x.root} không phải thư mục làm việc của cchc: thiếu content/commune.yaml. "
        "Chạy 'cchc init THƯ_MỤC' để tạo mới, hoặc dùng --workspace để chỉ đúng thư mục."
    ),
    e.AlreadyAWorkspace: lambda x: f"{x.root} đã là một thư mục làm việc (có content/commune.yaml); không ghi đè.",
    e.ItemNotFound: lambda x: (
        f"Không có bài nào mang mã '{x.item_id}' trong {x.items_dir}. Xem danh sách bằng lệnh 'cchc items'."
    ),
    e.ItemUnreadable: lambda x: "Bài '{}' có lỗi, chưa đọc được:\n{}".format(
        x.item_id, "\n".join(map(str, x.problems))
    ),
    e.NotProducedYet: lambda x: (
        f"Bài '{x.item_id}' chưa có {CHANNEL_PRODUCTS.get(x.channel, x.channel)} nào được tạo. "
        "Hãy duyệt bài rồi chạy 'cchc produce'."
    ),
    e.InvalidPeriod: _period_error,
    e.InvalidTime: _time_error,
    e.FeedError: lambda x: x.reason,
    e.ScheduleMissing: lambda x: f"Chưa có lịch phát tháng {x.month}: chạy 'cchc schedule --month {x.month}' trước.",
    e.SlotNotFound: lambda x: (
        f"Không có khung giờ '{x.key}' có bài trong lịch tháng {x.month}. Ví dụ đúng: {x.month}-05-sang."
    ),
    e.AirLogUnreadable: _air_log_error,
    e.LedgerUnavailable: _ledger_error,
    e.AiringRefused: _airing_refused,
    e.PostingRefused: _posting_refused,
    e.NotAWebAddress: lambda x: f"Đường dẫn '{x.url}' không hợp lệ: phải bắt đầu bằng http:// hoặc https://.",
}


def error_message(exc: e.CchcError) -> str:
    """The Vietnamese sentence for a known error (a plain CchcError already carries its own)."""
    for kind in type(exc).__mro__:
        if kind in _ERRORS:
            return _ERRORS[kind](exc)
    return exc.detail
