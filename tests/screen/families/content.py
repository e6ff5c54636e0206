"""What the validation screens say: names, numbers, labels and screen words per language.

These tables describe what real handsets show and are kept apart from the reader's own data
(robot/domain/data): a label the reader's vocabulary lacks shows up here as a miss.
"""

from __future__ import annotations

PEOPLE = (
    "Maria Gonzalez",
    "José García",
    "Zoë Dubois",
    "François Lefèvre",
    "Björn Ødegård",
    "Dr. Amelia Hart",
    "Liam O'Brien",
    "Sofia Rossi",
    "Ahmed Khan",
    "Noémie Brûlé",
    "Jürgen Weiß",
    "João Conceição",
    "Niccolò Bellini",
    "Ana Muñoz",
    "Priya Natarajan",
    "Kwame Mensah",
    "Hannah Schmidt",
    "Lucas Moreau",
    "Emily Johnson",
    "Tomás Oliveira",
)
BUSINESSES = (
    "Northwind Bank",
    "Pacific Gas and Electric Company",
    "Dental Care Clinic",
    "Springfield Water Dept",
    "Contoso Insurance",
    "Fabrikam Pharmacy",
    "Blue Ridge Credit Union",
    "Lakeside Veterinary",
    "Summit Health Partners",
    "Metro Transit Authority",
)
# Caller ID (CNAM) as carriers deliver it: capitals, at most 15 characters, often cut
CNAM = (
    "ACME BANK",
    "WIRELESS CALLER",
    "CITY OF SPRINGFL",
    "KAISER PERMANEN",
    "NORTHWIND BK",
    "SMITH JOHN",
    "GARCIA MARIA",
    "ST JUDE MED CTR",
    "VERIZON WIRELES",
    "TOLL FREE CALL",
    "US GOVT",
    "COMCAST",
)
# Names that start like a label, or hold a label's word, but are a caller's name
LOOK_ALIKES = (
    "Robin Caller",
    "Scamp Pet Supplies",
    "Risk Advisory Group",
    "Fraud Prevention Unit",
    "Spamalot Theatre",
    "Telemark Ski Resort",
    "Nuisance Wildlife Control",
    "Survey Monkey Support",
    "Political Science Dept",
    "Health Partners Clinic",
    "Potential Energy Co",
    "Suspect Films",
    "Robocall Defense Team",
    "Scammell Hardware",
    "Fraudwatch Bureau",
    "Spam Museum Gift Shop",
)
CJK_NAMES = {
    "zh-Hans": ("王伟", "李娜", "张家明", "中国平安", "招商银行", "泰康人寿"),
    "zh-Hant": ("陳志明", "林淑芬", "國泰世華", "台灣大哥大", "黃美玲"),
    "ja": ("田中太郎", "佐藤花子", "鈴木一郎", "みずほ銀行", "山田商事"),
}
NUMBERS = (
    "+1 415-555-0134",
    "(212) 555-0199",
    "555-0100",
    "+44 20 7946 0958",
    "+33 1 42 68 53 00",
    "1 844-331-6882",
    "+1 (646) 555-0175",
    "72345",
    "+49 30 901820",
    "+34 612 34 56 78",
    "+39 06 6982 1234",
    "+55 11 98765-4321",
    "+81 3-1234-5678",
    "+86 138 0013 8000",
    "+886 2 2345 6789",
    "800-8",
)

# (text, class) as carriers and dialers display them, per language
LABELS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (
        ("Scam Likely", "scam"),
        ("Spam Risk", "spam"),
        ("Potential Spam", "spam"),
        ("Potential Fraud", "fraud"),
        ("Suspected spam caller", "spam"),
        ("Telemarketer", "telemarketer"),
        ("Nuisance Likely", "nuisance"),
        ("Robocaller", "spam"),
        ("Fraud Risk", "fraud"),
        ("Spam Likely", "spam"),
        ("Political", "other"),
        ("Survey", "other"),
    ),
    "es": (("Posible spam", "spam"), ("Posible fraude", "fraud"), ("Spam sospechoso", "spam")),
    "fr": (("Spam présumé", "spam"), ("Appel indésirable", "spam"), ("Fraude présumée", "fraud")),
    "de": (("Spam-Verdacht", "spam"), ("Betrugsverdacht", "fraud"), ("Werbeanruf", "telemarketer")),
    "pt": (
        ("Possível spam", "spam"),
        ("Possível golpe", "scam"),
        ("Telemarketing", "telemarketer"),
    ),
    "it": (
        ("Sospetto spam", "spam"),
        ("Possibile truffa", "scam"),
        ("Chiamata molesta", "nuisance"),
    ),
    "zh-Hans": (("骚扰电话", "nuisance"), ("疑似诈骗", "fraud"), ("推销电话", "telemarketer")),
    "zh-Hant": (("騷擾電話", "nuisance"), ("疑似詐騙", "fraud"), ("推銷電話", "telemarketer")),
    "ja": (("迷惑電話", "nuisance"), ("詐欺の疑い", "fraud"), ("営業電話", "telemarketer")),
}
# Extra words a label carries on some phones (a count, a source, a carrier)
LABEL_EXTRAS = (
    "{label} - {n} reports",
    "{label} ({reported})",
    "{label} · Verizon",
    "{label} · Hiya",
    "⚠ {label}",
    "{label} | {n} reports",
)
REPORTED = ("reported", "reported by users", "Hiya")

# Screen words per language: the status line, buttons, and the number-type prefix
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "incoming": "Incoming call",
        "decline": "Decline",
        "answer": "Answer",
        "accept": "Accept",
        "mobile": "Mobile",
        "message": "Message",
        "remind": "Remind Me",
        "verified": "Caller Verified",
        "app": "Phone",
    },
    "es": {
        "incoming": "Llamada entrante",
        "decline": "Rechazar",
        "answer": "Contestar",
        "accept": "Aceptar",
        "mobile": "Móvil",
        "message": "Mensaje",
        "remind": "Recordar",
        "verified": "Llamada verificada",
        "app": "Teléfono",
    },
    "fr": {
        "incoming": "Appel entrant",
        "decline": "Refuser",
        "answer": "Répondre",
        "accept": "Accepter",
        "mobile": "Portable",
        "message": "Message",
        "remind": "Me rappeler",
        "verified": "Appelant vérifié",
        "app": "Téléphone",
    },
    "de": {
        "incoming": "Eingehender Anruf",
        "decline": "Ablehnen",
        "answer": "Annehmen",
        "accept": "Annehmen",
        "mobile": "Mobil",
        "message": "Nachricht",
        "remind": "Erinnern",
        "verified": "Anrufer bestätigt",
        "app": "Telefon",
    },
    "pt": {
        "incoming": "Chamada recebida",
        "decline": "Recusar",
        "answer": "Atender",
        "accept": "Aceitar",
        "mobile": "Celular",
        "message": "Mensagem",
        "remind": "Lembrar",
        "verified": "Chamador verificado",
        "app": "Telefone",
    },
    "it": {
        "incoming": "Chiamata in arrivo",
        "decline": "Rifiuta",
        "answer": "Rispondi",
        "accept": "Accetta",
        "mobile": "Cellulare",
        "message": "Messaggio",
        "remind": "Ricordamelo",
        "verified": "Chiamante verificato",
        "app": "Telefono",
    },
    "zh-Hans": {
        "incoming": "来电",
        "decline": "拒绝",
        "answer": "接听",
        "accept": "接听",
        "mobile": "手机",
        "message": "信息",
        "remind": "提醒我",
        "verified": "已验证来电",
        "app": "电话",
    },
    "zh-Hant": {
        "incoming": "來電",
        "decline": "拒絕",
        "answer": "接聽",
        "accept": "接聽",
        "mobile": "手機",
        "message": "訊息",
        "remind": "提醒我",
        "verified": "已驗證來電",
        "app": "電話",
    },
    "ja": {
        "incoming": "着信",
        "decline": "拒否",
        "answer": "応答",
        "accept": "応答",
        "mobile": "携帯",
        "message": "メッセージ",
        "remind": "後で通知",
        "verified": "確認済み発信者",
        "app": "電話",
    },
}
LANGUAGES = tuple(WORDS)

# Background text of apps under a heads-up card or banner: other people, other numbers
CHAT_PEOPLE = (
    "Sarah Miller",
    "Mom",
    "David Chen",
    "Team Lunch",
    "Olivia Brown",
    "Carlos Ruiz",
    "Grace Lee",
    "Book Club",
    "Daniel Kim",
    "Lena Fischer",
)
CHAT_SNIPPETS = (
    "Sounds good! See you at 7",
    "Can you call me back?",
    "Photo",
    "ok 👍",
    "Running 10 min late",
    "Did you get my email?",
    "Happy birthday!!",
    "Call me at 415-555-0188",
    "Where are you?",
    "Thanks, talk soon",
)
STREETS = (
    "Market St",
    "5th Ave",
    "Mission St",
    "Oak Street",
    "Golden Gate Park",
    "Rue de Rivoli",
    "Calle Mayor",
    "Hauptstraße",
    "Union Square",
    "Pier 39",
)
VIDEO_CAPTIONS = (
    "Thank you for watching",
    "Episode 4 · The Return",
    "LIVE · 12K watching",
    "Chapter 2: Mountains",
    "Subscribe for more",
)
LOCK_NOTES = (
    ("MESSAGES", "Mom", "Are you coming for dinner?"),
    ("MAIL", "Daniel Kim", "Re: quarterly numbers"),
    ("CALENDAR", "Dentist", "Tomorrow at 9:00 AM"),
    ("WHATSAPP", "Grace Lee", "Call me when you can"),
    ("BANK", "Card ending 4821", "Payment of $42.10 approved"),
    ("PHONE", "Missed call", "Olivia Brown (2)"),
)
DATES = ("Friday, October 18", "Monday, March 3", "Sunday, June 9", "Wednesday, January 22")
