#!/usr/bin/env python3
"""field_lists: an independent world of Afghan-style evacuee partner lists, with the truth.

Usage:
    python generate.py --persons 20000 --seed 1 --out DIR

Writes DIR/records.csv (the lists, as written) and DIR/truth.csv (record_id,person_id).
Standard library only; the same seed gives byte-identical files.
See README.md beside this file for the lists, their habits, the rates and what each rests on.
"""

import argparse
import csv
import datetime as dt
import os
import random

REF_DATE = dt.date(2021, 8, 20)  # the lists were written in the last days of August 2021

COLUMNS = [
    "record_id",
    "given_name",
    "father_name",
    "family_name",
    "full_name",
    "full_name_native",
    "sex",
    "date_of_birth",
    "phone",
    "passport_number",
    "tazkira_number",
    "province",
    "email",
    "siv_case_number",
]


# ---------------------------------------------------------------------------------------------
# small helpers (all randomness goes through one random.Random; nothing depends on hash order)


def wc(rng, pairs):
    """Weighted choice from [(item, weight), ...]."""
    total = 0.0
    for _, w in pairs:
        total += w
    r = rng.random() * total
    for item, w in pairs:
        r -= w
        if r < 0:
            return item
    return pairs[-1][0]


def zipf_pick(rng, items, s=0.9):
    """Pick from a list whose first entries are the most common (Zipf-like)."""
    n = len(items)
    # inverse-CDF over weights 1/(k+1)^s, computed once per list length and s
    key = (n, s)
    cum = _ZIPF_CACHE.get(key)
    if cum is None:
        acc = 0.0
        cum = []
        for k in range(n):
            acc += 1.0 / (k + 1) ** s
            cum.append(acc)
        _ZIPF_CACHE[key] = cum
    r = rng.random() * cum[-1]
    lo, hi = 0, n - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < r:
            lo = mid + 1
        else:
            hi = mid
    return items[lo]


_ZIPF_CACHE = {}

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"


def to_persian_digits(s, arabic=False):
    table = ARABIC_DIGITS if arabic else PERSIAN_DIGITS
    return "".join(table[ord(c) - 48] if "0" <= c <= "9" else c for c in s)


# ---------------------------------------------------------------------------------------------
# Solar Hijri (the Afghan civil calendar): months 1-6 have 31 days, 7-11 30, 12 29 or 30.
# Leap years by the 33-year arithmetic rule; anchored on 1 Hamal 1400 = 21 March 2021.


def sh_is_leap(y):
    return (25 * y + 11) % 33 < 8


_NOWRUZ = {}


def sh_new_year(y):
    """Gregorian date of 1 Hamal (Farvardin) of Solar Hijri year y."""
    if not _NOWRUZ:
        d = dt.date(2021, 3, 21)
        _NOWRUZ[1400] = d
        for yy in range(1399, 1270, -1):
            d = d - dt.timedelta(days=366 if sh_is_leap(yy) else 365)
            _NOWRUZ[yy] = d
        d = _NOWRUZ[1400]
        for yy in range(1400, 1420):
            d = d + dt.timedelta(days=366 if sh_is_leap(yy) else 365)
            _NOWRUZ[yy + 1] = d
    return _NOWRUZ[y]


def g_to_sh(d):
    y = d.year - 621
    if d < sh_new_year(y):
        y -= 1
    doy = (d - sh_new_year(y)).days
    if doy < 186:
        return y, doy // 31 + 1, doy % 31 + 1
    doy -= 186
    return y, doy // 30 + 7, doy % 30 + 1


def sh_to_g(y, m, d):
    doy = (m - 1) * 31 + (d - 1) if m <= 7 else 186 + (m - 7) * 30 + (d - 1)
    return sh_new_year(y) + dt.timedelta(days=doy)


SH_MONTHS_DARI_LAT = [
    "Hamal",
    "Sawr",
    "Jawza",
    "Saratan",
    "Asad",
    "Sunbula",
    "Mizan",
    "Aqrab",
    "Qaws",
    "Jadi",
    "Dalw",
    "Hoot",
]
SH_MONTHS_DARI = [
    "حمل",
    "ثور",
    "جوزا",
    "سرطان",
    "اسد",
    "سنبله",
    "میزان",
    "عقرب",
    "قوس",
    "جدی",
    "دلو",
    "حوت",
]
SH_MONTHS_PASHTO = [
    "وری",
    "غویی",
    "غبرگولی",
    "چنگاښ",
    "زمری",
    "وږی",
    "تله",
    "لړم",
    "لیندۍ",
    "مرغومی",
    "سلواغه",
    "کب",
]
SH_MONTHS_IRAN = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]
G_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


# ---------------------------------------------------------------------------------------------
# Names. Each name element: (native script, phonemic spelling). Phonemic spelling: lower-case
# letters are themselves; e = short i (kasra), o = short u (zamma), I = long i, U = long u,
# O = majhul o (Pashto),
# A = long a, Q = qaf, W = waw as consonant, Y = diphthong ay, H = silent final he, ' = ayn.
# Romanisation styles: "fa" (Dari standard: e/o), "ps" (Pashto standard: i/u), "en" (popular
# English: ee/oo). Elements with an explicit list of spellings use it instead.

EXPLICIT = {
    "mohammad": {
        "fa": [
            ("Mohammad", 60),
            ("Mohammed", 10),
            ("Mohamad", 12),
            ("Mahammad", 4),
            ("Muhammad", 8),
            ("Mohd", 3),
            ("Mohamed", 3),
        ],
        "ps": [("Muhammad", 55), ("Mohammad", 30), ("Muhammed", 5), ("Mohd", 5), ("Mohammed", 5)],
        "en": [
            ("Mohammad", 30),
            ("Mohammed", 25),
            ("Muhammad", 20),
            ("Mohamed", 10),
            ("Mohd", 8),
            ("Md", 2),
            ("Mohamad", 5),
        ],
    },
    "ahmad": {"*": [("Ahmad", 75), ("Ahmed", 20), ("Ahmat", 2), ("Ahmmad", 3)]},
    "yUsof": {
        "*": [
            ("Yousuf", 30),
            ("Yusuf", 30),
            ("Yousef", 15),
            ("Yosuf", 10),
            ("Yusof", 10),
            ("Yousof", 5),
        ]
    },
    "hosayn": {
        "*": [
            ("Hussain", 30),
            ("Hussein", 15),
            ("Hosain", 10),
            ("Husain", 10),
            ("Hossain", 10),
            ("Hosein", 10),
            ("Husayn", 5),
            ("Hussian", 2),
            ("Hossein", 8),
        ]
    },
    "hasan": {"*": [("Hasan", 60), ("Hassan", 40)]},
    "rezA": {"*": [("Reza", 60), ("Raza", 30), ("Riza", 10)]},
    "shIr": {"*": [("Sher", 80), ("Shir", 20)]},
    "fazl": {"*": [("Fazal", 50), ("Fazl", 30), ("Fazel", 15), ("Fazil", 5)]},
    "sayyed": {
        "*": [
            ("Sayed", 40),
            ("Syed", 20),
            ("Sayyed", 15),
            ("Said", 10),
            ("Sayyid", 10),
            ("Seyed", 5),
        ]
    },
    "dIn": {"*": [("Din", 70), ("Deen", 30)]},
    "zahrA": {"*": [("Zahra", 60), ("Zohra", 25), ("Zuhra", 15)]},
    "maryam": {"*": [("Maryam", 60), ("Mariam", 35), ("Maryum", 5)]},
    "marzIyaH": {
        "*": [("Marzia", 50), ("Marziya", 20), ("Marzieh", 15), ("Marziyeh", 10), ("Marziea", 5)]
    },
    "laylA": {"*": [("Laila", 50), ("Leila", 20), ("Layla", 20), ("Lyla", 5), ("Laylaa", 5)]},
    "fereshtaH": {
        "*": [
            ("Freshta", 35),
            ("Fereshta", 30),
            ("Fereshteh", 15),
            ("Farishta", 15),
            ("Frishta", 5),
        ]
    },
    "nAzIyaH": {"*": [("Nazia", 60), ("Naziya", 30), ("Nazeea", 10)]},
    "'AyeshaH": {"*": [("Aisha", 40), ("Ayesha", 30), ("Aysha", 20), ("Ayisha", 10)]},
    "royA": {"*": [("Roya", 85), ("Roia", 15)]},
    "shokrIyaH": {"*": [("Shukria", 40), ("Shukriya", 25), ("Shokria", 20), ("Shokriya", 15)]},
    "zakIyaH": {"*": [("Zakia", 60), ("Zakiya", 30), ("Zakieh", 10)]},
    "nUrIyaH": {"*": [("Nooria", 40), ("Nuria", 30), ("Nuriya", 20), ("Nouria", 10)]},
    "fawzIyaH": {"*": [("Fawzia", 50), ("Fauzia", 20), ("Fowzia", 15), ("Fawziya", 15)]},
    "rezA'I": {"*": [("Rezaei", 35), ("Rezaie", 20), ("Rezai", 25), ("Rezaee", 10), ("Rizai", 10)]},
    "ja'farI": {"*": [("Jafari", 70), ("Jafary", 10), ("Jaffari", 10), ("Ja'fari", 10)]},
    "zadrAn": {"*": [("Zadran", 75), ("Dzadran", 15), ("Jadran", 10)]},
    "sAdAt": {"*": [("Sadat", 90), ("Saadat", 10)]},
    "khAn": {"*": [("Khan", 98), ("Kan", 2)]},
}

MALE_SIMPLE = [
    ("زمان", "zamAn"),
    ("علی", "'alI"),
    ("حضرت", "hazrat"),
    ("احمد", "ahmad"),
    ("کریم", "karIm"),
    ("رحیم", "rahIm"),
    ("حمید", "hamId"),
    ("نبی", "nabI"),
    ("ولی", "walI"),
    ("رشید", "rashId"),
    ("فرید", "farId"),
    ("یوسف", "yUsof"),
    ("حسین", "hosayn"),
    ("حسن", "hasan"),
    ("ناصر", "nAser"),
    ("قادر", "QAder"),
    ("جواد", "jaWAd"),
    ("شریف", "sharIf"),
    ("محمود", "mahmUd"),
    ("جاوید", "jAWId"),
    ("نوید", "naWId"),
    ("بلال", "belAl"),
    ("عمر", "'omar"),
    ("خالد", "khAled"),
    ("طارق", "tAreQ"),
    ("وحید", "wahId"),
    ("نسیم", "nasIm"),
    ("شفیق", "shafIQ"),
    ("رفیق", "rafIQ"),
    ("لطیف", "latIf"),
    ("نجیب", "najIb"),
    ("عزیز", "'azIz"),
    ("بشیر", "bashIr"),
    ("نذیر", "nazIr"),
    ("امین", "amIn"),
    ("ادریس", "edrIs"),
    ("اسماعیل", "esmA'Il"),
    ("ابراهیم", "ebrAhIm"),
    ("یعقوب", "ya'QUb"),
    ("موسی", "mUsA"),
    ("داود", "dAWUd"),
    ("سلیمان", "solYmAn"),
    ("حبیب", "habIb"),
    ("اکبر", "akbar"),
    ("اصغر", "asghar"),
    ("رسول", "rasUl"),
    ("فهیم", "fahIm"),
    ("صمیم", "samIm"),
    ("شکیب", "shakIb"),
    ("مصطفی", "mostafA"),
    ("مرتضی", "mortazA"),
    ("جمشید", "jamshId"),
    ("فواد", "faWAd"),
    ("قاسم", "QAsem"),
    ("صادق", "sAdeQ"),
    ("هاشم", "hAshem"),
    ("نادر", "nAder"),
    ("اکرم", "akram"),
    ("اجمل", "ajmal"),
    ("فرهاد", "farhAd"),
    ("شاهد", "shAhed"),
    ("ضیا", "ziA"),
    ("بریالی", "baryAlY"),
    ("زلمی", "zalmY"),
    ("ویس", "wYs"),
    ("اسد", "asad"),
    ("رضا", "rezA"),
    ("جعفر", "ja'far"),
    ("مهدی", "mahdI"),
    ("سخی", "sakhI"),
    ("سردار", "sardAr"),
    ("قربان", "QorbAn"),
    ("سرور", "sarwar"),
    ("انور", "anwar"),
    ("ظاهر", "zAher"),
    ("حامد", "hAmed"),
    ("نصیر", "nasIr"),
    ("سهراب", "sohrAb"),
    ("شاکر", "shAker"),
    ("صابر", "sAber"),
    ("منصور", "mansUr"),
    ("مسعود", "mas'Ud"),
    ("مجیب", "mojIb"),
    ("منیر", "monIr"),
    ("نعیم", "na'Im"),
    ("سلیم", "salIm"),
    ("ظریف", "zarIf"),
    ("لعل", "la'l"),
    ("خلیل", "khalIl"),
    ("جلیل", "jalIl"),
    ("عارف", "'Aref"),
    ("آصف", "Asef"),
    ("واصل", "wAsel"),
    ("فاضل", "fAzel"),
    ("عادل", "'Adel"),
    ("کامل", "kAmel"),
    ("جمیل", "jamIl"),
    ("یونس", "yUnos"),
    ("ایوب", "ayyUb"),
    ("الیاس", "elyAs"),
    ("زکریا", "zakaryA"),
    ("یحیی", "yahyA"),
    ("هارون", "hArUn"),
    ("شعیب", "sho'Yb"),
    ("سیار", "sayyAr"),
    ("مقصود", "maQsUd"),
    ("ثاقب", "sAQeb"),
    ("طاهر", "tAher"),
    ("میرویس", "mIrWYs"),
    ("صدیق", "sedIQ"),
    ("فیروز", "fIrUz"),
    ("بهادر", "bahAdor"),
    ("شیرزاد", "shIrzAd"),
    ("جهانگیر", "jahAngIr"),
    ("همایون", "homAyUn"),
    ("ملک", "malek"),
    ("اسلم", "aslam"),
    ("افضل", "afzal"),
    ("اشرف", "ashraf"),
    ("نثار", "nesAr"),
    ("مطیع", "motI'"),
]
SUBORDINATE_PREFIX = [
    ("محمد", "mohammad"),
    ("غلام", "gholAm"),
    ("احمد", "ahmad"),
    ("نور", "nUr"),
    ("میر", "mIr"),
    ("فضل", "fazl"),
    ("گل", "gol"),
]
BEFORE_MOHAMMAD = [
    ("دین", "dIn"),
    ("گل", "gol"),
    ("دوست", "dost"),
    ("فیض", "fYz"),
    ("نور", "nUr"),
    ("تاج", "tAj"),
    ("شیر", "shIr"),
    ("ولی", "walI"),
    ("پیر", "pIr"),
    ("شاه", "shAh"),
    ("جان", "jAn"),
    ("خان", "khAn"),
    ("علی", "'alI"),
    ("یار", "yAr"),
]
SUFFIX_PART = [("خان", "khAn"), ("جان", "jAn"), ("گل", "gol"), ("شاه", "shAh")]
ULLAH_ROOTS = [
    ("رحمت", "rahmat"),
    ("ذبیح", "zabIh"),
    ("حکمت", "hekmat"),
    ("نقیب", "naQIb"),
    ("امان", "amAn"),
    ("حیات", "hayAt"),
    ("ثنا", "sanA"),
    ("عزت", "'ezzat"),
    ("نور", "nUr"),
    ("حبیب", "habIb"),
    ("نجیب", "najIb"),
    ("سیف", "sYf"),
    ("اسد", "asad"),
    ("سمیع", "samI'"),
    ("نصر", "nasr"),
    ("احسان", "ehsAn"),
    ("عطا", "'atA"),
    ("عبید", "'obYd"),
    ("خلیل", "khalIl"),
    ("کرم", "karam"),
    ("شفیع", "shafI'"),
    ("عنایت", "'enAyat"),
    ("لطف", "lotf"),
    ("حمد", "hamd"),
    ("کلیم", "kalIm"),
    ("رفیع", "rafI'"),
    ("قدرت", "Qodrat"),
    ("ذکی", "zakI"),
    ("فضل", "fazl"),
    ("ولی", "walI"),
]
UDDIN_ROOTS = [
    ("جمال", "jamAl"),
    ("شمس", "shams"),
    ("نصیر", "nasIr"),
    ("علاء", "'alA"),
    ("صلاح", "salAh"),
    ("نجم", "najm"),
    ("معین", "mo'In"),
    ("قطب", "Qotb"),
    ("نظام", "nezAm"),
    ("شرف", "sharaf"),
    ("ضیاء", "ziA"),
    ("بهاء", "bahA"),
    ("فخر", "fakhr"),
    ("کمال", "kamAl"),
]
ABDUL_ROOTS = [
    ("رحمن", "rahmAn"),
    ("رحیم", "rahIm"),
    ("کریم", "karIm"),
    ("قادر", "QAder"),
    ("واحد", "wAhed"),
    ("غنی", "ghanI"),
    ("حکیم", "hakIm"),
    ("لطیف", "latIf"),
    ("جبار", "jabbAr"),
    ("صمد", "samad"),
    ("بصیر", "basIr"),
    ("مالک", "mAlek"),
    ("حق", "haQ"),
    ("علی", "'alI"),
    ("هادی", "hAdI"),
    ("ولی", "walI"),
    ("باقی", "bAQI"),
    ("ستار", "sattAr"),
    ("مجید", "majId"),
    ("حمید", "hamId"),
    ("رشید", "rashId"),
    ("عزیز", "'azIz"),
    ("رزاق", "razzAQ"),
    ("خالق", "khAleQ"),
    ("قیوم", "QayyUm"),
    ("سلام", "salAm"),
    ("رئوف", "ra'Uf"),
    ("ناصر", "nAser"),
    ("شکور", "shakUr"),
    ("غفار", "ghaffAr"),
    ("متین", "matIn"),
    ("باری", "bArI"),
    ("منان", "mannAn"),
    ("وهاب", "wahhAb"),
]
FEMALE_SIMPLE = [
    ("فاطمه", "fAtemaH"),
    ("زهرا", "zahrA"),
    ("مریم", "maryam"),
    ("مرضیه", "marzIyaH"),
    ("نرگس", "nargis"),
    ("شبنم", "shabnam"),
    ("فرزانه", "farzAnaH"),
    ("زرغونه", "zarghUnaH"),
    ("ملالی", "malAlY"),
    ("لیلا", "laylA"),
    ("مرسل", "morsal"),
    ("محبوبه", "mahbUbaH"),
    ("فرشته", "fereshtaH"),
    ("سیما", "sImA"),
    ("نازیه", "nAzIyaH"),
    ("پروانه", "parWAnaH"),
    ("شکیله", "shakIlaH"),
    ("حمیده", "hamIdaH"),
    ("رحیمه", "rahImaH"),
    ("زینب", "zYnab"),
    ("خدیجه", "khadIjaH"),
    ("عایشه", "'AyeshaH"),
    ("نیلوفر", "nIlUfar"),
    ("فریبا", "farIbA"),
    ("رویا", "royA"),
    ("صدف", "sadaf"),
    ("مینا", "mInA"),
    ("ثریا", "sorayA"),
    ("گلالی", "golAlY"),
    ("شریفه", "sharIfaH"),
    ("لطیفه", "latIfaH"),
    ("حبیبه", "habIbaH"),
    ("نجیبه", "najIbaH"),
    ("نسرین", "nasrIn"),
    ("مدینه", "madInaH"),
    ("شکریه", "shokrIyaH"),
    ("ستوری", "stOrY"),
    ("مسعوده", "mas'UdaH"),
    ("وحیده", "wahIdaH"),
    ("تهمینه", "tahmInaH"),
    ("زکیه", "zakIyaH"),
    ("نوریه", "nUrIyaH"),
    ("صابره", "sAberaH"),
    ("خاطره", "khAteraH"),
    ("سحر", "sahar"),
    ("مسکا", "moskA"),
    ("پلوشه", "palWashaH"),
    ("ستاره", "setAraH"),
    ("فوزیه", "fawzIyaH"),
    ("رابعه", "rAbe'aH"),
    ("خالده", "khAledaH"),
    ("زرمینه", "zarmInaH"),
    ("حسینه", "hasInaH"),
    ("یلدا", "yaldA"),
    ("نگینه", "negInaH"),
    ("حمیرا", "homayrA"),
    ("سلیمه", "salImaH"),
    ("شیما", "shImA"),
    ("شگوفه", "shegUfaH"),
    ("شهلا", "shahlA"),
    ("فرخنده", "farkhondaH"),
    ("فرحناز", "farahnAz"),
    ("گلنار", "golnAr"),
    ("کلثوم", "kolsUm"),
    ("سمیرا", "samIrA"),
    ("سمیه", "somayyaH"),
    ("صغری", "soghrA"),
    ("کبری", "kobrA"),
    ("معصومه", "ma'sUmaH"),
    ("منیژه", "manIzhaH"),
    ("مژگان", "mozhgAn"),
    ("نادیه", "nAdIyaH"),
    ("ناهید", "nAhId"),
    ("نسیمه", "nasImaH"),
    ("نفیسه", "nafIsaH"),
    ("هما", "homA"),
    ("وژمه", "wazhmaH"),
    ("پریسا", "parIsA"),
    ("بهاره", "bahAraH"),
    ("آمنه", "AmenaH"),
    ("آرزو", "ArezU"),
    ("بصیره", "basIraH"),
    ("جمیله", "jamIlaH"),
    ("حلیمه", "halImaH"),
    ("رقیه", "roQayyaH"),
    ("سلما", "salmA"),
    ("سهیلا", "sohaylA"),
    ("شازیه", "shAzIyaH"),
    ("طاهره", "tAheraH"),
    ("عزیزه", "'azIzaH"),
    ("کریمه", "karImaH"),
    ("مهری", "mehrI"),
    ("هیلا", "hIlA"),
]
FEMALE_COMPOUND_A = [("بی بی", "bIbI")]
FEMALE_COMPOUND_B = [("گل", "gol"), ("حوا", "hawA"), ("جان", "jAn"), ("پری", "parI")]

PASHTUN_TRIBES = [
    ("احمدزی", "ahmadzY"),
    ("پوپلزی", "pOpalzY"),
    ("بارکزی", "bArakzY"),
    ("الکوزی", "alOkozY"),
    ("نورزی", "nUrzY"),
    ("اچکزی", "achakzY"),
    ("ستانکزی", "stAnekzY"),
    ("یوسفزی", "yUsofzY"),
    ("منگل", "mangal"),
    ("زدران", "zadrAn"),
    ("کاکر", "kAkar"),
    ("وردک", "wardak"),
    ("صافی", "sAfI"),
    ("شینواری", "shInWArI"),
    ("مومند", "mOhmand"),
    ("نیازی", "nyAzI"),
    ("پوپل", "pOpal"),
    ("هوتک", "hOtak"),
    ("ترکی", "tarakY"),
    ("لودین", "lUdIn"),
    ("ساهک", "sAhak"),
    ("خروتی", "kharotI"),
    ("جبارخیل", "jabbArkhIl"),
    ("سلیمانخیل", "solYmAnkhIl"),
]
FAMILY_NAMES = [
    ("رحیمی", "rahImI"),
    ("کریمی", "karImI"),
    ("هاشمی", "hAshemI"),
    ("حسینی", "hosaynI"),
    ("جعفری", "ja'farI"),
    ("رضایی", "rezA'I"),
    ("احمدی", "ahmadI"),
    ("محمدی", "mohammadI"),
    ("امیری", "amIrI"),
    ("حیدری", "haydarI"),
    ("سلطانی", "soltAnI"),
    ("عزیزی", "'azIzI"),
    ("حبیبی", "habIbI"),
    ("شریفی", "sharIfI"),
    ("قادری", "QAderI"),
    ("رسولی", "rasUlI"),
    ("نوری", "nUrI"),
    ("حکیمی", "hakImI"),
    ("نظری", "nazarI"),
    ("محسنی", "mohsenI"),
    ("اکبری", "akbarI"),
    ("رحمانی", "rahmAnI"),
    ("صمدی", "samadI"),
    ("وحیدی", "wahIdI"),
    ("صدیقی", "sedIQI"),
    ("فاروقی", "fArUQI"),
    ("نعیمی", "na'ImI"),
    ("یعقوبی", "ya'QUbI"),
]
PLACE_NAMES = [
    ("پنجشیری", "panjshIrI"),
    ("کابلی", "kAbolI"),
    ("هروی", "heraWI"),
    ("بدخشی", "badakhshI"),
    ("لوگری", "lowgarI"),
    ("اندرابی", "andarAbI"),
    ("پروانی", "parWAnI"),
    ("کوهستانی", "kOhestAnI"),
    ("غزنوی", "ghaznaWI"),
    ("بلخی", "balkhI"),
    ("ننگرهاری", "nangarhArI"),
    ("پکتیاوال", "paktyAwAl"),
]
SAYED_FAMILY = [("سادات", "sAdAt"), ("هاشمی", "hAshemI"), ("حسینی", "hosaynI")]


def render_phon(phon, style, rng):
    """Romanise a phonemic spelling in a style, with the variation writers of that style show."""
    ex = EXPLICIT.get(phon)
    if ex is not None:
        return wc(rng, ex.get(style) or ex.get("*") or ex["fa"])
    out = []
    n = len(phon)
    i = 0
    while i < n:
        c = phon[i]
        last = i == n - 1
        if c == "e":
            p = {"fa": 0.85, "ps": 0.1, "en": 0.4}[style]
            out.append("e" if rng.random() < p else "i")
        elif c == "o":
            p = {"fa": 0.85, "ps": 0.1, "en": 0.45}[style]
            out.append("o" if rng.random() < p else "u")
        elif c == "I":
            if last:
                out.append("ee" if style == "en" and rng.random() < 0.04 else "i")
            else:
                p = {"fa": 0.05, "ps": 0.1, "en": 0.3}[style]
                out.append("ee" if rng.random() < p else "i")
        elif c == "U":
            if style == "fa":
                out.append(wc(rng, [("u", 70), ("oo", 10), ("ou", 10), ("o", 10)]))
            elif style == "ps":
                out.append(wc(rng, [("u", 85), ("oo", 15)]))
            else:
                out.append(wc(rng, [("oo", 45), ("u", 40), ("ou", 15)]))
        elif c == "O":  # majhul o (Pashto), written o by nearly all
            out.append(wc(rng, [("o", 90), ("u", 5), ("oo", 5)]))
        elif c == "A":
            out.append("aa" if rng.random() < 0.03 else "a")
        elif c == "Q":
            out.append("k" if rng.random() < (0.15 if style == "en" else 0.07) else "q")
        elif c == "W":
            p = {"fa": 0.3, "ps": 0.02, "en": 0.1}[style]
            out.append("v" if rng.random() < p else "w")
        elif c == "Y":
            if style == "fa":
                out.append(wc(rng, [("ai", 50), ("ei", 30), ("ay", 20)]))
            elif style == "ps":
                out.append(wc(rng, [("ai", 60), ("ay", 40)]))
            else:
                out.append(wc(rng, [("ai", 60), ("ay", 30), ("ei", 10)]))
        elif c == "H":
            if style == "fa" and out and out[-1] == "a" and rng.random() < 0.15:
                out[-1] = "eh"
            elif rng.random() < 0.08:
                out.append("h")
        elif c == "'":
            if rng.random() < 0.04 and 0 < i < n - 1:
                out.append("'")
        elif i + 1 < n and phon[i + 1] == c and c.isalpha():
            keep = {"fa": 0.85, "ps": 0.75, "en": 0.7}[style]
            out.append(c + c if rng.random() < keep else c)
            i += 1
        else:
            out.append(c)
        i += 1
    s = "".join(out)
    return s[:1].upper() + s[1:]


SUN_LETTERS = ("t", "d", "r", "z", "s", "n", "l")


def render_part(part, style, rng):
    """A part is (kind, native, phon). Returns a Latin string (may contain spaces)."""
    kind, _, phon = part
    if kind == "simple":
        return render_phon(phon, style, rng)
    if kind == "abdul":
        root = render_phon(phon, style, rng)
        low = root.lower()
        sun = phon[0].lower() in SUN_LETTERS
        if style == "fa":
            form = wc(
                rng,
                [
                    ("assim", 25 if sun else 0),
                    ("sep", 35),
                    ("join", 20),
                    ("abdol", 10),
                    ("abdolj", 10 if not sun else 0),
                    ("abdur", 10 if sun else 0),
                ],
            )
        elif style == "ps":
            form = wc(rng, [("sep", 65), ("join", 20), ("abdur", 10 if sun else 0), ("hyph", 5)])
        else:
            form = wc(
                rng,
                [
                    ("sep", 50),
                    ("join", 25),
                    ("assim", 8 if sun else 0),
                    ("al", 5),
                    ("el", 5),
                    ("hyph", 5),
                ],
            )
        if form == "sep":
            return "Abdul " + root
        if form == "join":
            return "Abdul" + low
        if form == "assim":
            return "Abd" + ("o" if style == "fa" else "u") + low[0] + low
        if form == "abdol":
            return "Abdol " + root
        if form == "abdolj":
            return "Abdol" + low
        if form == "abdur":
            return "Abd" + ("o" if style == "fa" else "u") + low[0] + " " + root
        if form == "al":
            return "Abd al-" + root
        if form == "el":
            return "Abdel " + root
        return "Abdul-" + root
    if kind == "ullah":
        root = render_phon(phon, style, rng)
        if phon.endswith("h") and rng.random() < 0.3:  # Zabihullah / Zabiullah
            root = root[:-1]
        if root.endswith("'"):
            root = root[:-1]
        if style == "fa":
            form = wc(
                rng,
                [
                    ("ullah", 45),
                    ("ollah", 30),
                    ("ulla", 8),
                    (" Ullah", 10),
                    ("-ullah", 2),
                    ("ulah", 5),
                ],
            )
        elif style == "ps":
            form = wc(rng, [("ullah", 75), ("ulla", 10), (" Ullah", 10), ("ulah", 5)])
        else:
            form = wc(
                rng, [("ullah", 65), ("ulla", 10), (" Ullah", 15), ("-ullah", 5), ("ulah", 5)]
            )
        return root + form
    if kind == "uddin":
        root = render_phon(phon, style, rng)
        if style == "fa":
            form = wc(
                rng, [("oddin", 35), ("uddin", 35), ("eddin", 10), ("udin", 10), (" Uddin", 10)]
            )
        elif style == "ps":
            form = wc(rng, [("uddin", 75), ("udin", 10), (" Uddin", 10), ("-ud-Din", 5)])
        else:
            form = wc(
                rng,
                [
                    ("uddin", 55),
                    ("udin", 10),
                    (" Uddin", 10),
                    ("-ud-Din", 10),
                    (" ud Din", 5),
                    (" al-Din", 5),
                    ("uden", 5),
                ],
            )
        return root + form
    raise ValueError(kind)


def native_part(part, rng):
    kind, nat, _ = part
    if kind == "simple":
        return nat
    if kind == "abdul":
        return wc(rng, [("عبدال" + nat, 70), ("عبد ال" + nat, 30)])
    if kind == "ullah":
        return wc(rng, [(nat + " الله", 60), (nat + "\u200cالله", 25), (nat + "الله", 15)])
    if kind == "uddin":
        return wc(rng, [(nat + " الدین", 70), (nat + "الدین", 30)])
    raise ValueError(kind)


def native_variant(s, rng, rate):
    """Arabic-keyboard code points for Persian letters, as some writers' keyboards produce."""
    if not s or rng.random() >= rate:
        return s
    s = s.replace("ی", "ي")
    if rng.random() < 0.6:
        s = s.replace("ک", "ك")
    if s.endswith("ه") and rng.random() < 0.2:
        s = s[:-1] + "ة"
    return s


# ---------------------------------------------------------------------------------------------
# Provinces: (weight, spellings, capital city spellings, Dari script). Kabul is over-weighted:
# most people at the airport lived in Kabul, whatever province their tazkira names (assumed).

PROVINCES = [
    (
        30,
        [("Kabul", 95), ("Kabol", 5)],
        [("Kabul City", 50), ("Kabul", 30), ("Kabul city", 20)],
        "کابل",
    ),
    (
        6,
        [("Nangarhar", 85), ("Ningarhar", 10), ("Nangrahar", 5)],
        [("Jalalabad", 90), ("Jalal Abad", 10)],
        "ننگرهار",
    ),
    (
        6,
        [("Balkh", 100)],
        [("Mazar-e-Sharif", 40), ("Mazar-i-Sharif", 25), ("Mazar", 20), ("Mazar e Sharif", 15)],
        "بلخ",
    ),
    (6, [("Herat", 85), ("Hirat", 15)], [("Herat", 80), ("Herat City", 20)], "هرات"),
    (
        5,
        [("Kandahar", 85), ("Qandahar", 10), ("Kandhar", 5)],
        [("Kandahar", 85), ("Kandahar City", 15)],
        "کندهار",
    ),
    (
        4,
        [("Paktia", 70), ("Paktiya", 20), ("Paktya", 10)],
        [("Gardez", 85), ("Gardiz", 15)],
        "پکتیا",
    ),
    (4, [("Ghazni", 90), ("Ghazny", 10)], [("Ghazni", 100)], "غزنی"),
    (4, [("Parwan", 80), ("Parvan", 20)], [("Charikar", 100)], "پروان"),
    (3, [("Panjshir", 70), ("Panjsher", 20), ("Panjsheer", 10)], [("Bazarak", 100)], "پنجشیر"),
    (4, [("Logar", 85), ("Lowgar", 15)], [("Pul-e-Alam", 60), ("Pul-i-Alam", 40)], "لوگر"),
    (
        4,
        [("Wardak", 60), ("Maidan Wardak", 30), ("Wardag", 10)],
        [("Maidan Shahr", 70), ("Maydan Shahr", 30)],
        "میدان وردک",
    ),
    (3, [("Kunduz", 80), ("Kondoz", 10), ("Qunduz", 10)], [("Kunduz", 100)], "کندز"),
    (
        3,
        [("Baghlan", 100)],
        [("Pul-e-Khumri", 60), ("Pul-i-Khumri", 25), ("Puli Khumri", 15)],
        "بغلان",
    ),
    (3, [("Bamyan", 60), ("Bamiyan", 30), ("Bamian", 10)], [("Bamyan", 100)], "بامیان"),
    (2, [("Laghman", 100)], [("Mehtarlam", 100)], "لغمان"),
    (2, [("Kapisa", 100)], [("Mahmud-i-Raqi", 60), ("Mahmood Raqi", 40)], "کاپیسا"),
    (3, [("Khost", 80), ("Khowst", 20)], [("Khost", 100)], "خوست"),
    (2, [("Helmand", 85), ("Hilmand", 15)], [("Lashkar Gah", 60), ("Lashkargah", 40)], "هلمند"),
    (2, [("Badakhshan", 100)], [("Faizabad", 70), ("Fayzabad", 30)], "بدخشان"),
    (2, [("Takhar", 100)], [("Taloqan", 70), ("Taluqan", 30)], "تخار"),
    (2, [("Daykundi", 60), ("Daikundi", 30), ("Daykondi", 10)], [("Nili", 100)], "دایکندی"),
    (2, [("Faryab", 100)], [("Maimana", 60), ("Maymana", 40)], "فاریاب"),
    (
        2,
        [("Jawzjan", 60), ("Jowzjan", 30), ("Jauzjan", 10)],
        [("Sheberghan", 60), ("Shiberghan", 40)],
        "جوزجان",
    ),
    (1, [("Ghor", 90), ("Ghowr", 10)], [("Chaghcharan", 100)], "غور"),
    (2, [("Kunar", 85), ("Konar", 15)], [("Asadabad", 100)], "کنر"),
    (1, [("Uruzgan", 60), ("Oruzgan", 30), ("Urozgan", 10)], [("Tarinkot", 100)], "ارزگان"),
    (1, [("Samangan", 100)], [("Aybak", 100)], "سمنگان"),
]
PASHTUN_PROV = {1, 4, 5, 9, 10, 14, 16, 17, 24, 25}  # indexes into PROVINCES (assumed)

AF_CARRIER = [
    ("70", 12),
    ("71", 6),
    ("72", 10),
    ("79", 18),
    ("73", 6),
    ("78", 16),
    ("77", 14),
    ("76", 8),
    ("74", 4),
    ("75", 2),
]
US_AREA = [
    "703",
    "571",
    "202",
    "301",
    "240",
    "916",
    "713",
    "832",
    "469",
    "214",
    "510",
    "408",
    "206",
    "253",
    "619",
    "858",
    "615",
    "757",
    "410",
    "804",
    "612",
    "385",
    "817",
    "972",
]
NGO_PREFIX = [("RHY", 40), ("AWN", 30), ("KHF", 20), ("SDO", 10)]


class Clan:
    __slots__ = (
        "ethnic",
        "family",
        "grandfather",
        "households",
        "jild",
        "page",
        "prov",
        "sayed",
        "tribe",
    )


class Household:
    __slots__ = (
        "clan",
        "evac",
        "has_pp",
        "head",
        "hid",
        "interp",
        "kobo",
        "members",
        "ngo",
        "ngo_no",
        "nickname",
        "prov_now",
        "prov_origin",
        "siv",
        "siv_case",
        "siv_principal",
        "sponsor_email",
        "sponsor_phone",
        "staff",
        "submitter",
        "us_citizen",
        "us_rel",
        "vulnerable",
    )


class Person:
    __slots__ = (
        "age",
        "birth",
        "dob_known",
        "email",
        "etaz",
        "family",
        "father",
        "given",
        "hh",
        "own_family",
        "paper",
        "passports",
        "phones",
        "pid",
        "pp_given",
        "pp_surname",
        "role",
        "self_family",
        "self_father",
        "self_given",
        "sex",
        "siv_case",
        "stated_sh_year",
        "style",
        "title",
        "tribe",
        "us_passport",
    )


HAZARA_MALE = [
    ("علی", "'alI"), ("حسین", "hosayn"), ("حسن", "hasan"), ("رضا", "rezA"), ("جعفر", "ja'far"),
    ("مهدی", "mahdI"), ("سخی", "sakhI"), ("قربان", "QorbAn"),
]  # fmt: skip


def male_given(rng, ethnic, sayed):
    r = rng.random()
    if sayed and rng.random() < 0.5:
        return [("simple", "سید", "sayyed"), ("simple", *zipf_pick(rng, MALE_SIMPLE, 0.8))]
    if ethnic == "hazara" and rng.random() < 0.3:
        return [("simple", *zipf_pick(rng, HAZARA_MALE))] + (
            [("simple", "علی", "'alI")] if rng.random() < 0.2 else []
        )
    if r < 0.24:
        pre = zipf_pick(rng, SUBORDINATE_PREFIX, 1.3)
        return [("simple", *pre), ("simple", *zipf_pick(rng, MALE_SIMPLE, 0.8))]
    if r < 0.36:
        return [("simple", *zipf_pick(rng, BEFORE_MOHAMMAD)), ("simple", "محمد", "mohammad")]
    if r < 0.52:
        return [("abdul", *zipf_pick(rng, ABDUL_ROOTS))]
    if r < 0.68:
        return [("ullah", *zipf_pick(rng, ULLAH_ROOTS))]
    if r < 0.73:
        return [("uddin", *zipf_pick(rng, UDDIN_ROOTS))]
    if r < 0.78:
        return [
            ("simple", *zipf_pick(rng, MALE_SIMPLE, 0.8)),
            ("simple", *zipf_pick(rng, SUFFIX_PART)),
        ]
    return [("simple", *zipf_pick(rng, MALE_SIMPLE, 0.8))]


def female_given(rng):
    if rng.random() < 0.07:
        if rng.random() < 0.5:
            return [("simple",) + FEMALE_COMPOUND_A[0], ("simple", *rng.choice(FEMALE_COMPOUND_B))]
        return [
            ("simple", "گل", "gol"),
            ("simple", *rng.choice([("بی بی", "bIbI"), ("پری", "parI"), ("الی", "alY")])),
        ]
    return [("simple", *zipf_pick(rng, FEMALE_SIMPLE, 0.7))]


def romanise(parts, style, rng):
    """A list of Latin strings, one per name part."""
    return [render_part(p, style, rng) for p in parts]


def native_name(parts, rng):
    return " ".join(native_part(p, rng) for p in parts)


def random_phone(rng):
    return "7" + wc(rng, AF_CARRIER)[1] + "".join(str(rng.randrange(10)) for _ in range(7))


def random_date(rng, year_lo, year_hi):
    y = rng.randint(year_lo, year_hi)
    return dt.date(y, 1, 1) + dt.timedelta(days=rng.randrange(365))


def age_on(b, ref=REF_DATE):
    return ref.year - b.year - ((ref.month, ref.day) < (b.month, b.day))


def ascii_fold(s):
    return "".join(c for c in s if c.isalnum() or c == " ").strip()


class World:
    def __init__(self, n_persons, seed):
        self.rng = random.Random(seed)
        self.persons = []
        self.households = []
        self.n = n_persons
        self.etaz_serial = 10000
        self.ngo_serial = {}
        self.build()

    # -- people -------------------------------------------------------------------------
    def new_person(self, hh, role, sex, given, father, birth):
        rng = self.rng
        p = Person()
        p.pid = "P%06d" % (len(self.persons) + 1)
        p.hh, p.role, p.sex, p.given, p.father, p.birth = hh, role, sex, given, father, birth
        clan = hh.clan
        p.family = clan.family
        p.tribe = clan.tribe
        p.own_family = None
        p.age = age_on(birth)
        yb = birth.year
        known = 0.35 if yb < 1985 else (0.55 if yb < 2000 else 0.8)  # assumed
        p.dob_known = rng.random() < known
        sh_y = g_to_sh(birth)[0]
        if not p.dob_known and p.age > 10 and rng.random() < 0.35:
            sh_y += rng.choice([-2, -1, -1, 1, 1, 2])  # a believed year, not the true one
        p.stated_sh_year = sh_y
        if clan.ethnic == "pashtun":
            p.style = wc(rng, [("ps", 55), ("fa", 15), ("en", 30)])
        else:
            p.style = wc(rng, [("fa", 55), ("en", 40), ("ps", 5)])
        p.self_given = romanise(given, p.style, rng)
        p.self_father = romanise(father, p.style, rng)
        p.self_family = render_phon(clan.family[1], p.style, rng) if clan.family else ""
        p.phones = []
        p.email = ""
        p.paper = None
        p.etaz = None
        p.passports = []
        p.us_passport = ""
        p.pp_given = p.pp_surname = ""
        p.siv_case = ""
        p.title = ""
        if sex == "M" and p.age >= 45 and rng.random() < 0.2:
            p.title = wc(
                rng, [("Haji", 80), ("Mullah", 7), ("Mawlawi", 7), ("Qari", 3), ("Hafiz", 3)]
            )
        elif sex == "M" and p.age >= 22 and rng.random() < 0.04:
            p.title = wc(
                rng, [("Eng.", 45), ("Dr.", 30), ("Engineer", 10), ("Qari", 8), ("Hafiz", 7)]
            )
        self.persons.append(p)
        hh.members.append(p)
        return p

    def build(self):
        rng = self.rng
        pweights = [(i, w) for i, (w, _, _, _) in enumerate(PROVINCES)]
        while len(self.persons) < self.n:
            clan = Clan()
            prov = wc(rng, pweights)
            clan.prov = prov
            pash = 0.75 if prov in PASHTUN_PROV else 0.25
            r = rng.random()
            clan.ethnic = (
                "pashtun" if r < pash else wc(rng, [("tajik", 60), ("hazara", 25), ("other", 15)])
            )
            if prov in (13, 20) and clan.ethnic != "pashtun":
                clan.ethnic = "hazara"
            clan.sayed = clan.ethnic != "pashtun" and rng.random() < 0.07
            clan.grandfather = male_given(rng, clan.ethnic, clan.sayed)
            clan.family = None
            clan.tribe = None
            if clan.ethnic == "pashtun":
                clan.tribe = zipf_pick(rng, PASHTUN_TRIBES, 0.7) if rng.random() < 0.9 else None
                if clan.tribe and rng.random() < 0.35:
                    clan.family = clan.tribe
            else:
                if clan.sayed:
                    clan.family = rng.choice(SAYED_FAMILY)
                elif rng.random() < (0.55 if clan.ethnic == "hazara" else 0.42):
                    clan.family = zipf_pick(rng, FAMILY_NAMES, 0.6)
                if rng.random() < 0.25:
                    clan.tribe = rng.choice(PLACE_NAMES)
            clan.households = []
            clan.jild = rng.randint(1, 420)
            clan.page = rng.randint(1, 280)
            n_brothers = wc(rng, [(1, 55), (2, 25), (3, 13), (4, 7)])
            gf_age = rng.randint(58, 95)
            mother_placed = False
            for b in range(n_brothers):
                if len(self.persons) >= self.n:
                    break
                self.build_household(clan, b, gf_age, mother_placed)
                mother_placed = True
        # trim to exactly n persons (the last household may lose its youngest members)
        extra = self.persons[self.n :]
        del self.persons[self.n :]
        for p in extra:
            p.hh.members.remove(p)
        self.households = [h for h in self.households if h.members]
        for h in self.households:
            h.clan.households = [o for o in h.clan.households if o.members]
        for h in self.households:
            if h.head not in h.members:
                h.head = h.members[0]
        self.assign_documents()

    def build_household(self, clan, b, gf_age, mother_placed):
        rng = self.rng
        hh = Household()
        hh.hid = len(self.households) + 1
        hh.clan = clan
        clan.households.append(hh)
        hh.members = []
        hh.prov_origin = clan.prov
        hh.prov_now = (
            0
            if rng.random() < 0.55
            else (
                clan.prov
                if rng.random() < 0.85
                else wc(rng, [(i, w) for i, (w, _, _, _) in enumerate(PROVINCES)])
            )
        )
        self.households.append(hh)
        head_age = max(19, min(gf_age - 18, int(rng.triangular(20, 66, 36))))
        head_birth = random_date(rng, REF_DATE.year - head_age - 1, REF_DATE.year - head_age - 1)
        head = self.new_person(
            hh, "head", "M", male_given(rng, clan.ethnic, clan.sayed), clan.grandfather, head_birth
        )
        if rng.random() < 0.05:
            head.given = list(clan.grandfather)  # namesake of his own father's line (assumed)
            head.self_given = romanise(head.given, head.style, rng)
        hh.head = head
        wives = []
        if head.age >= 19 and rng.random() < 0.9:
            n_w = 2 if head.age > 40 and rng.random() < 0.03 else 1
            for _ in range(n_w):
                w_age = max(16, head.age - rng.randint(1, 12))
                w = self.new_person(
                    hh,
                    "wife",
                    "F",
                    female_given(rng),
                    male_given(rng, clan.ethnic, False),
                    random_date(rng, REF_DATE.year - w_age - 1, REF_DATE.year - w_age - 1),
                )
                if rng.random() < 0.4:
                    w.own_family = zipf_pick(
                        rng, FAMILY_NAMES if clan.ethnic != "pashtun" else PASHTUN_TRIBES, 0.6
                    )
                    w.self_family = render_phon(w.own_family[1], w.style, rng)
                else:
                    w.self_family = ""
                wives.append(w)
        # children
        taken = set()
        for w in wives:
            mother_birth = w.birth
            y = mother_birth.year + rng.randint(17, 21)
            while y <= min(REF_DATE.year, mother_birth.year + 45):
                if rng.random() < 0.42:
                    d = dt.date(y, 1, 1) + dt.timedelta(days=rng.randrange(365))
                    if d >= REF_DATE:
                        break
                    n_kids = 2 if rng.random() < 0.015 else 1
                    twin_pair = None
                    if n_kids == 2 and rng.random() < 0.3:
                        twin_pair = [("simple", "حسن", "hasan"), ("simple", "حسین", "hosayn")]
                    for k in range(n_kids):
                        sex = "M" if rng.random() < 0.51 else "F"
                        if twin_pair:
                            sex = "M"
                        age = age_on(d)
                        keep = (
                            age < 18
                            or (sex == "M" and age < 26 and rng.random() < 0.8)
                            or (sex == "M" and rng.random() < 0.25)
                            or (sex == "F" and age < 23 and rng.random() < 0.5)
                            or (sex == "F" and rng.random() < 0.12)
                        )
                        if not keep:
                            continue
                        for _ in range(8):
                            if twin_pair:
                                g = [twin_pair[k]]
                            elif sex == "M":
                                g = male_given(rng, clan.ethnic, clan.sayed)
                                if rng.random() < 0.04:
                                    g = list(clan.grandfather)
                            else:
                                g = female_given(rng)
                            key = tuple(x[2] for x in g)
                            if key not in taken:
                                break
                        taken.add(key)
                        self.new_person(
                            hh, "son" if sex == "M" else "daughter", sex, g, head.given, d
                        )
                    y += rng.randint(1, 3)
                else:
                    y += 1
        if not mother_placed and head.age < 52 and rng.random() < 0.25:
            m_age = min(gf_age - rng.randint(0, 8), head.age + rng.randint(18, 35))
            self.new_person(
                hh,
                "mother",
                "F",
                female_given(rng),
                male_given(rng, clan.ethnic, False),
                random_date(rng, REF_DATE.year - m_age - 1, REF_DATE.year - m_age - 1),
            )
        if rng.random() < 0.06:
            s_age = max(16, head.age + rng.randint(-10, 4))
            self.new_person(
                hh,
                "sister",
                "F",
                female_given(rng),
                clan.grandfather,
                random_date(rng, REF_DATE.year - s_age - 1, REF_DATE.year - s_age - 1),
            )
        # household links (who the household is to the evacuation; rates assumed)
        hh.siv = rng.random() < 0.16
        hh.interp = hh.siv and rng.random() < 0.6
        hh.ngo = rng.random() < 0.14
        hh.vulnerable = rng.random() < 0.12
        hh.us_rel = rng.random() < 0.10
        any_link = hh.siv or hh.ngo or hh.vulnerable or hh.us_rel
        hh.kobo = rng.random() < (0.40 if any_link else 0.28)
        pe = 0.12 + 0.5 * hh.siv + 0.35 * hh.us_rel + 0.3 * hh.ngo + 0.25 * hh.vulnerable
        hh.evac = rng.random() < min(0.85, pe)
        hh.has_pp = rng.random() < (
            0.2 + 0.55 * hh.siv + 0.35 * hh.ngo + 0.4 * hh.us_rel + 0.2 * hh.vulnerable
        )
        hh.us_citizen = hh.us_rel and rng.random() < 0.15
        hh.ngo_no = ""
        hh.siv_case = ""
        hh.siv_principal = None
        hh.staff = None
        hh.sponsor_phone = ""
        hh.sponsor_email = ""
        hh.nickname = ""
        hh.submitter = None
        return hh

    # -- documents, phones, cases ----------------------------------------------------------
    def assign_documents(self):
        rng = self.rng
        for hh in self.households:
            clan = hh.clan
            head = hh.head
            kabul = hh.prov_now == 0
            # paper tazkira: the register of the family's home district. Brothers (and their
            # unmarried sisters) were registered as children of one father: same volume, pages
            # close together; a father registers his children together (assumed).
            fam_jild = clan.jild if rng.random() < 0.6 else rng.randint(1, 420)
            fam_page = rng.randint(1, 280)
            fam_sabt = rng.randint(200, 99000)
            et_year = rng.choice([1397, 1398, 1398, 1399, 1399, 1400])
            et_office = rng.randint(1, 4500)
            et_serial = rng.randint(1000, 98000)
            head_has_et = False
            for p in hh.members:
                has_any = (
                    (p.age >= 18 and rng.random() < (0.95 if p.sex == "M" else 0.85))
                    or (7 <= p.age < 18 and rng.random() < 0.75)
                    or (p.age < 7 and rng.random() < 0.4)
                )
                if not has_any:
                    continue
                et_p = (0.25 if kabul else 0.08) if p.age >= 18 else (0.5 if head_has_et else 0.03)
                if rng.random() < et_p:
                    et_serial += rng.randint(1, 3)
                    p.etaz = "%04d%04d%05d" % (et_year, et_office, et_serial)
                    if p is head:
                        head_has_et = True
                    if rng.random() > 0.4:
                        continue
                if p.role in ("head", "sister"):
                    page = clan.page + rng.randint(0, 6)
                    p.paper = (clan.jild, page, rng.randint(200, 99000))
                elif p.role in ("son", "daughter"):
                    fam_sabt += rng.randint(1, 4)
                    p.paper = (fam_jild, fam_page + (1 if rng.random() < 0.3 else 0), fam_sabt)
                else:
                    p.paper = (rng.randint(1, 420), rng.randint(1, 280), rng.randint(200, 99000))
            # passports
            if hh.has_pp:
                for p in hh.members:
                    if rng.random() < (0.9 if p.age >= 18 else 0.75):
                        if p is head and rng.random() < 0.015:
                            letter = rng.choice(["O", "D"])
                        else:
                            letter = "P"
                        if rng.random() < 0.6:
                            num = letter + "%08d" % rng.randint(0, 4999999)
                        else:
                            num = letter + "%07d" % rng.randint(1000000, 9999999)
                        p.passports = [num]
                        if rng.random() < 0.12:  # renewed: the old book's number lives on
                            p.passports.insert(0, "P" + "%07d" % rng.randint(1000000, 9999999))
                        self.passport_names(p)
            if hh.us_citizen:
                for p in hh.members:
                    if p.role in ("son", "daughter") or (p is head and rng.random() < 0.4):
                        if rng.random() < 0.7:
                            p.us_passport = str(rng.randint(100000000, 599999999))
                        else:
                            p.us_passport = "A" + "%08d" % rng.randint(0, 99999999)
                        if not p.pp_given:
                            self.passport_names(p)
            # phones
            for p in hh.members:
                if p is head:
                    q = 0.95
                elif p.role == "wife":
                    q = 0.3
                elif p.role in ("son", "daughter"):
                    q = (
                        (0.8 if p.sex == "M" else 0.45)
                        if p.age >= 18
                        else (0.35 if p.age >= 15 else 0)
                    )
                elif p.role == "sister":
                    q = 0.4
                else:
                    q = 0.1
                if rng.random() < q:
                    p.phones = [random_phone(rng)]
                    if rng.random() < 0.15:
                        p.phones.append(random_phone(rng))
                e = 0.0
                if p is head:
                    e = 0.6 if (hh.siv or hh.ngo) else 0.2
                elif p.age >= 18:
                    e = 0.35 if p.sex == "M" else 0.2
                if rng.random() < e:
                    p.email = self.make_email(p)
            # SIV case, NGO staff number, US sponsor
            if hh.siv:
                adult_sons = [p for p in hh.members if p.role == "son" and p.age >= 20]
                princ = head if (not adult_sons or rng.random() < 0.8) else adult_sons[0]
                hh.siv_principal = princ
                hh.siv_case = "KBL%d%06d" % (rng.randint(2014, 2021), rng.randint(0, 999999))
                if princ is head:
                    for p in hh.members:
                        if (
                            p is head
                            or p.role == "wife"
                            or (p.role in ("son", "daughter") and p.age < 21)
                        ):
                            p.siv_case = hh.siv_case
                else:
                    princ.siv_case = hh.siv_case
            if hh.interp and rng.random() < 0.3:
                # interpreters often went by a "terp name" given on the base (assumed rate)
                hh.nickname = rng.choice(
                    [
                        "Mike",
                        "John",
                        "Tom",
                        "Sam",
                        "Jimmy",
                        "Max",
                        "Jack",
                        "Steve",
                        "Rocky",
                        "Leo",
                        "Tony",
                        "Danny",
                        "Alex",
                        "Eddie",
                        "Frank",
                        "Joe",
                        "Chris",
                        "Bobby",
                        "Nick",
                        "Ben",
                    ]
                )
            if hh.ngo:
                adults = [
                    p
                    for p in hh.members
                    if p is not head and p.role in ("son", "daughter") and p.age >= 20
                ]
                hh.staff = head if (not adults or rng.random() < 0.75) else rng.choice(adults)
                pre = wc(rng, NGO_PREFIX)
                self.ngo_serial[pre] = self.ngo_serial.get(pre, 0) + rng.randint(1, 3)
                hh.ngo_no = "%s-%05d" % (pre, self.ngo_serial[pre])
            sib = [o for o in clan.households if o is not hh and o.sponsor_phone]
            if (hh.interp or hh.us_rel) and sib and rng.random() < 0.5:
                # the same US relative or veteran speaks for his brothers' families too
                hh.sponsor_phone, hh.sponsor_email = sib[0].sponsor_phone, sib[0].sponsor_email
            elif hh.interp or hh.us_rel:
                hh.sponsor_phone = (
                    rng.choice(US_AREA),
                    "%d%02d" % (rng.randint(2, 9), rng.randint(0, 99)),
                    "%04d" % rng.randint(0, 9999),
                )
                first = rng.choice(
                    [
                        "john",
                        "mike",
                        "chris",
                        "matt",
                        "dave",
                        "james",
                        "sarah",
                        "jen",
                        "ryan",
                        "josh",
                        "kevin",
                        "brian",
                        "amy",
                        "dan",
                        "tom",
                        "laura",
                        "hamid",
                        "zahra",
                        "ahmad",
                        "mariam",
                    ]
                )
                last = rng.choice(
                    [
                        "miller",
                        "smith",
                        "johnson",
                        "brown",
                        "davis",
                        "wilson",
                        "taylor",
                        "anderson",
                        "thomas",
                        "moore",
                        "martin",
                        "clark",
                        "lewis",
                        "walker",
                        "young",
                        "king",
                        "wright",
                        "hill",
                        "green",
                        "baker",
                        "karimi",
                        "ahmadzai",
                        "popal",
                        "hashimi",
                    ]
                )
                hh.sponsor_email = wc(
                    rng,
                    [
                        ("%s.%s%d@gmail.com" % (first, last, rng.randint(1, 99)), 40),
                        (f"{first[0]}{last}@yahoo.com", 15),
                        (f"{first}.{last}@outlook.com", 15),
                        (f"{first}.{last}@mail.mil", 5),
                        ("%s%s%d@hotmail.com" % (first, last, rng.randint(60, 99)), 15),
                        (f"{first}@{last}law.com", 10),
                    ],
                )

    def passport_names(self, p):
        rng = self.rng
        p.pp_given = ascii_fold(" ".join(p.self_given).replace("-", " ").replace("'", "")).upper()
        if p.self_family and (p.own_family or p.role != "wife"):
            p.pp_surname = p.self_family.upper()
        else:
            r = rng.random()
            if p.tribe and r < 0.35:
                p.pp_surname = render_phon(p.tribe[1], p.style, rng).upper()
            elif r < 0.65:
                p.pp_surname = ascii_fold(p.self_father[-1].replace("-", " ")).upper().split()[-1]
            else:
                p.pp_surname = ""
        p.pp_surname = ascii_fold(p.pp_surname.replace("'", ""))

    def make_email(self, p):
        rng = self.rng
        g = "".join(c for c in "".join(p.self_given).lower() if c.isalpha())
        g1 = "".join(c for c in p.self_given[-1].lower() if c.isalpha())
        fam = "".join(c for c in (p.self_family or "").lower() if c.isalpha())
        fa = "".join(c for c in p.self_father[-1].lower() if c.isalpha())
        n = rng.randint(1, 999)
        yy = p.birth.year % 100
        form = wc(
            rng,
            [
                (f"{g1}.{fam or fa}", 30),
                ("%s%d" % (g, n), 25),
                ("%s%02d" % (g1, yy), 15),
                (f"{g1}_{fa}", 10),
                ("%s.%s%d" % (g1, fam or fa, n), 20),
            ],
        )
        return (
            form
            + "@"
            + wc(
                rng,
                [
                    ("gmail.com", 70),
                    ("yahoo.com", 15),
                    ("hotmail.com", 8),
                    ("outlook.com", 5),
                    ("live.com", 2),
                ],
            )
        )


# ---------------------------------------------------------------------------------------------
# How things are written

PLACEHOLDERS = [
    ("N/A", 20),
    ("NA", 8),
    ("n/a", 8),
    ("-", 14),
    ("--", 3),
    ("none", 6),
    ("None", 4),
    ("nil", 3),
    ("unknown", 5),
    ("0", 4),
    ("000000", 3),
    ("x", 2),
    ("?", 2),
    ("pending", 2),
    ("not available", 2),
]
PLACEHOLDERS_FA = [("نامعلوم", 40), ("ندارد", 35), ("نیست", 15), ("-", 10)]

QWERTY_NEAR = {
    "a": "sq",
    "s": "ad",
    "d": "sf",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "q": "wa",
    "w": "qe",
    "e": "wr",
    "r": "et",
    "t": "ry",
    "y": "tu",
    "u": "yi",
    "i": "uo",
    "o": "ip",
    "p": "o",
    "z": "x",
    "x": "zc",
    "c": "xv",
    "v": "cb",
    "b": "vn",
    "n": "bm",
    "m": "n",
}


def typo(s, rng):
    """One keyboard slip in a Latin string: drop, double, swap or hit a neighbouring key."""
    idx = [i for i, c in enumerate(s) if c.isalpha()]
    if len(idx) < 3:
        return s
    i = rng.choice(idx[1:])
    op = rng.random()
    if op < 0.3:
        return s[:i] + s[i + 1 :]
    if op < 0.5:
        return s[:i] + s[i] + s[i:]
    if op < 0.75 and i + 1 < len(s) and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    near = QWERTY_NEAR.get(s[i].lower())
    if not near:
        return s
    c = rng.choice(near)
    return s[:i] + (c.upper() if s[i].isupper() else c) + s[i + 1 :]


def digit_typo(s, rng):
    idx = [i for i, c in enumerate(s) if c.isdigit()]
    if len(idx) < 3:
        return s
    i = rng.choice(idx)
    op = rng.random()
    if op < 0.5:
        return s[:i] + str(rng.randrange(10)) + s[i + 1 :]
    if op < 0.8:
        j = [k for k in idx if k > i]
        if j:
            j = j[0]
            return s[:i] + s[j] + s[i + 1 : j] + s[i] + s[j + 1 :]
        return s
    return s[:i] + s[i + 1 :]


def apply_case(s, case):
    if case == "upper":
        return s.upper()
    if case == "lower":
        return s.lower()
    return s


def fmt_af_phone(num, style, rng):
    """num is the 9-digit national number 7XXXXXXXX."""
    a, b, c = num[:2], num[2:5], num[5:]
    s = {
        "intl_sp": f"+93 {a} {b} {c}",
        "intl": "+93" + num,
        "nat": "0" + num,
        "nat_sp": f"0{a} {b} {c}",
        "nat_dash": f"0{a}-{b}-{c}",
        "00": "0093" + num,
        "00_sp": f"0093 {a} {b} {c}",
        "93": "93" + num,
        "93_sp": f"93 {a} {b} {c}",
        "bare": num,
        "intl_dash": f"+93-{num[:3]}-{num[3:]}",
    }[style]
    return s


def fmt_us_phone(sp, style):
    a, b, c = sp
    return {
        "paren": f"({a}) {b}-{c}",
        "dash": f"{a}-{b}-{c}",
        "dot": f"{a}.{b}.{c}",
        "intl": f"+1 {a} {b} {c}",
        "plain": a + b + c,
        "intl_plain": "+1" + a + b + c,
    }[style]


MON3 = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def fmt_greg(y, m, d, form, pad=True):
    dd = "%02d" % d if pad else str(d)
    mm = "%02d" % m if pad else str(m)
    if form == "dmy/":
        return "%s/%s/%d" % (dd, mm, y)
    if form == "dmy.":
        return "%s.%s.%d" % (dd, mm, y)
    if form == "dmy-":
        return "%s-%s-%d" % (dd, mm, y)
    if form == "mdy/":
        return "%s/%s/%d" % (mm, dd, y)
    if form == "iso":
        return "%d-%02d-%02d" % (y, m, d)
    if form == "manifest":
        return "%02d%s%02d" % (d, MON3[m - 1], y % 100)
    if form == "mil":
        return "%02d-%s-%d" % (d, MON3[m - 1], y)
    if form == "long":
        return "%d %s %d" % (d, G_MONTHS[m - 1], y)
    if form == "us_long":
        return "%s %d, %d" % (G_MONTHS[m - 1], d, y)
    raise ValueError(form)


def fmt_sh(y, m, d, rng, persian=False):
    """A Solar Hijri date as Afghan lists write it (m, d may be None for a year only)."""
    if m is None:
        core = str(y)
        tail = wc(
            rng,
            [("", 50), (" SH", 15), (" ش", 10), (" هـ ش", 10), (" (hijri shamsi)", 5), ("SH ", 10)],
        )
        s = tail + core if tail == "SH " else core + tail
        return to_persian_digits(s) if persian else s
    form = wc(
        rng,
        [
            ("slash", 55),
            ("slash_np", 15),
            ("month_fa", 12),
            ("month_ps", 5),
            ("month_lat", 8),
            ("dash", 5),
        ],
    )
    if form == "slash":
        core = "%d/%02d/%02d" % (y, m, d)
    elif form == "slash_np":
        core = "%d/%d/%d" % (y, m, d)
    elif form == "dash":
        core = "%d-%02d-%02d" % (y, m, d)
    elif form == "month_fa":
        core = "%d %s %d" % (d, SH_MONTHS_DARI[m - 1], y)
    elif form == "month_ps":
        core = "%d %s %d" % (d, SH_MONTHS_PASHTO[m - 1], y)
    else:
        core = "%d %s %d" % (d, SH_MONTHS_DARI_LAT[m - 1], y)
    if form.startswith("month_fa") or form == "month_ps":
        s = core + wc(rng, [("", 60), (" ش", 20), (" هـ ش", 20)])
        return to_persian_digits(s) if persian or rng.random() < 0.6 else s
    mark = wc(
        rng,
        [
            ("", 40),
            ("SH ", 15),
            (" SH", 15),
            (" (hijri shamsi)", 5),
            (" ش", 10),
            (" هـ ش", 10),
            (" H.SH", 5),
        ],
    )
    s = mark + core if mark == "SH " else core + mark
    return to_persian_digits(s) if persian else s


def fmt_dob(p, h, rng):
    """p's date of birth as a list with habits h writes it."""
    if rng.random() < h.get("dob_blank", 0):
        return ""
    known = p.dob_known
    b = p.birth
    sh_y = p.stated_sh_year
    if rng.random() < h.get("age", 0):
        age = age_on(b) if known else REF_DATE.year - (sh_y + 621)
        age = max(0, age + (rng.choice([-1, 1]) if rng.random() < 0.2 else 0))
        form = wc(
            rng, h.get("age_forms", [("%d", 60), ("%d years", 20), ("%d yrs", 10), ("age %d", 10)])
        )
        s = form % age
        if "ساله" in form and rng.random() < 0.7:
            s = to_persian_digits(s)
        return s
    if rng.random() < h.get("sh", 0):
        persian = rng.random() < h.get("persian_digits", 0)
        if known:
            y, m, d = g_to_sh(b)
            if rng.random() < h.get("wrong_year", 0.015):
                y += rng.choice([-1, 1])
            return fmt_sh(y, m, d, rng, persian)
        if rng.random() < 0.15:
            s = wc(rng, [("%d/00/00", 50), ("00/00/%d", 50)]) % sh_y
            return to_persian_digits(s) if persian else s
        return fmt_sh(sh_y, None, None, rng, persian)
    form = h["greg"] if isinstance(h["greg"], str) else wc(rng, h["greg"])
    pad = rng.random() >= h.get("nopad", 0)
    if known:
        y, m, d = b.year, b.month, b.day
        if rng.random() < h.get("wrong_year", 0.015):
            y = y + rng.choice([-1, 1]) if rng.random() < 0.7 else int(digit_typo(str(y), rng) or y)
        if (
            form in ("dmy/", "dmy.", "dmy-", "mdy/")
            and d <= 12
            and rng.random() < h.get("swap", 0.02)
        ):
            m, d = d, m
        return fmt_greg(y, m, d, form, pad)
    # only a year is known: the Solar Hijri year turned into a Gregorian one by adding 621
    # (a quarter of an SH year falls in the next Gregorian year) -- or 622 by some writers
    y = sh_y + (621 if rng.random() < 0.8 else 622)
    if y > REF_DATE.year:
        y = REF_DATE.year
    yo = wc(rng, h.get("year_only", [("jan1", 50), ("year", 30), ("zeros", 20)]))
    if yo == "year":
        return str(y)
    if yo == "zeros":
        if form == "iso":
            return "%d-00-00" % y
        if form in ("manifest", "mil"):
            return "00XXX%02d" % (y % 100) if form == "manifest" else "00-XXX-%d" % y
        return {"dmy/": "00/00/%d", "dmy.": "00.00.%d", "dmy-": "00-00-%d", "mdy/": "00/00/%d"}.get(
            form, "00/00/%d"
        ) % y
    return fmt_greg(y, 1, 1, form, pad)


def fmt_paper(paper, style, rng):
    j, pg, sb = paper
    if style == "fa_short":
        s = "ج %d ص %d ث %d" % (j, pg, sb)
        return to_persian_digits(s) if rng.random() < 0.7 else s
    if style == "fa_long":
        s = "جلد %d صفحه %d ثبت %d" % (j, pg, sb)
        return to_persian_digits(s) if rng.random() < 0.7 else s
    if style == "jild":
        return "Jild %d Safha %d Sabt %d" % (j, pg, sb)
    if style == "vol":
        return wc(
            rng,
            [
                ("Vol %d, Page %d, Reg %d", 60),
                ("Vol. %d Page %d No. %d", 25),
                ("Volume %d / Page %d / Reg %d", 15),
            ],
        ) % (j, pg, sb)
    if style == "slash":
        return "%d/%d/%d" % (j, pg, sb)
    if style == "jp":
        return "J%d-P%d-%d" % (j, pg, sb)
    if style == "dash":
        return "%d-%d-%d" % (j, pg, sb)
    if style == "sabt":
        return str(sb)
    raise ValueError(style)


def fmt_etaz(e, rng, dashes_p=0.6):
    r = rng.random()
    if r < dashes_p:
        return f"{e[:4]}-{e[4:8]}-{e[8:]}"
    if r < dashes_p + 0.1:
        return f"{e[:4]} {e[4:8]} {e[8:]}"
    return e


def fmt_tazkira(p, h, rng):
    opts = []
    if p.etaz:
        opts.append("e")
    if p.paper:
        opts.append("p")
    if not opts or rng.random() < h.get("taz_skip", 0):
        return ""
    kind = "e" if ("e" in opts and (len(opts) == 1 or rng.random() < 0.7)) else "p"
    if kind == "e":
        s = fmt_etaz(p.etaz, rng, h.get("etaz_dash", 0.6))
        if rng.random() < h.get("persian_digits", 0) * 0.5:
            s = to_persian_digits(s)
    else:
        s = fmt_paper(p.paper, wc(rng, h["taz"]), rng)
    if rng.random() < h.get("num_typo", 0.01):
        s = digit_typo(s, rng)
    return s


def pick_passport(p, h, rng):
    if p.us_passport and (not p.passports or rng.random() < 0.7):
        return p.us_passport
    if not p.passports:
        return ""
    num = (
        p.passports[0]
        if len(p.passports) > 1 and rng.random() < h.get("old_pp", 0.3)
        else p.passports[-1]
    )
    if rng.random() < h.get("num_typo", 0.01):
        num = num[0] + digit_typo(num[1:], rng)
    if rng.random() < h.get("pp_lower", 0):
        num = num.lower()
    if rng.random() < h.get("pp_space", 0):
        num = num[0] + " " + num[1:]
    return num


def fmt_province(p, h, rng, origin_p=0.3):
    hh = p.hh
    idx = hh.prov_origin if rng.random() < h.get("origin", origin_p) else hh.prov_now
    _, spell, city, dari = PROVINCES[idx]
    r = rng.random()
    if r < h.get("prov_dari", 0):
        return native_variant(dari, rng, 0.1)
    s = wc(rng, city) if r < h.get("prov_dari", 0) + h.get("prov_city", 0.15) else wc(rng, spell)
    return apply_case(s, h.get("prov_case", "title"))


def fmt_sex(p, h, rng):
    if rng.random() < h.get("sex_blank", 0):
        return ""
    f = p.sex == "F"
    if rng.random() < 0.003:
        f = not f  # a wrong click / wrong default
    forms = h["sex"]
    form = forms if isinstance(forms, str) else wc(rng, forms)
    return {
        "MF": ("M", "F"),
        "mf": ("m", "f"),
        "word": ("Male", "Female"),
        "lword": ("male", "female"),
        "uword": ("MALE", "FEMALE"),
        "fa": ("مرد", "زن"),
        "fa2": ("ذکور", "اناث"),
        "ps": ("نارینه", "ښځینه"),
        "num": ("1", "2"),
    }[form][1 if f else 0]


def placeholder(rng, h):
    if rng.random() < h.get("ph_fa", 0):
        return wc(rng, PLACEHOLDERS_FA)
    return wc(rng, PLACEHOLDERS)


# ---------------------------------------------------------------------------------------------
# Names as a list writes them

SUBORD_KEYS = ("mohammad", "gholAm", "ahmad", "nUr", "mIr", "sayyed", "fazl", "gol", "bIbI")
MARKERS_M = [
    ("s/o", 55),
    ("S/O", 15),
    ("son of", 12),
    ("walad", 6),
    ("wald", 2),
    ("bin", 4),
    ("zoy", 2),
    ("s/o.", 4),
]
MARKERS_F = [("d/o", 60), ("D/O", 15), ("daughter of", 15), ("bint", 5), ("binti", 1), ("d/o.", 4)]
NATIVE_MARK_M = [("ولد", 55), ("فرزند", 25), ("زوی", 10), ("بن", 3), ("ولدِ", 2), ("پسر", 5)]
NATIVE_MARK_F = [("بنت", 45), ("دختر", 45), ("لور", 10)]


def name_parts(p, given, self_parts, h, rng, is_father=False):
    if rng.random() < h["p_self"]:
        parts = list(self_parts)
    else:
        parts = romanise(given, wc(rng, h["style"]), rng)
    if (
        len(parts) >= 2
        and given[0][2] in SUBORD_KEYS
        and given[1][2] != "mohammad"
        and rng.random() < h.get("drop", 0.05)
    ):
        parts = parts[1:]
    elif len(parts) == 2 and rng.random() < h.get("swap", 0.012):
        parts = [parts[1], parts[0]]
    if len(parts) == 2 and rng.random() < h.get("join", 0.04):
        parts = [parts[0] + (parts[1] if rng.random() < 0.3 else parts[1].lower())]
    if rng.random() < h.get("typo", 0.025):
        i = rng.randrange(len(parts))
        parts[i] = typo(parts[i], rng)
    return " ".join(parts)


def family_for(p, h, rng):
    """The family name a writer puts down for p (may be a tribe or place name), or ''."""
    fam = None
    if p.role in ("wife", "mother"):
        if p.own_family and rng.random() < 0.6:
            fam = p.own_family
        elif p.family and rng.random() < 0.5:
            fam = p.family
    else:
        fam = p.family
    if fam is not None and rng.random() < h.get("fam_use", 0.85):
        own = fam is p.own_family or (fam is p.family and p.role not in ("wife", "mother"))
        if own and rng.random() < h["p_self"] and p.self_family:
            return p.self_family
        return render_phon(fam[1], wc(rng, h["style"]), rng)
    if p.tribe and rng.random() < h.get("tribe_as_fam", 0.2):
        return render_phon(p.tribe[1], wc(rng, h["style"]), rng)
    return ""


def native_full(p, h, rng):
    s = native_name(p.given, rng)
    if rng.random() < h.get("native_father", 0.6):
        mark = wc(rng, NATIVE_MARK_F if p.sex == "F" else NATIVE_MARK_M)
        if p.hh.clan.ethnic != "pashtun" and mark in ("زوی", "لور"):
            mark = "ولد" if p.sex == "M" else "بنت"
        s += " " + mark + " " + native_name(p.father, rng)
    fam = (
        p.own_family
        if p.role in ("wife", "mother") and p.own_family
        else (p.family if p.role not in ("wife", "mother") else None)
    )
    if fam and rng.random() < 0.7:
        s += " " + fam[0]
    elif p.tribe and rng.random() < 0.15:
        s += " " + p.tribe[0]
    return native_variant(s, rng, h.get("native_var", 0.15))


def write_names(p, h, rng, rec):
    case = wc(rng, h["case"])
    given = name_parts(p, p.given, p.self_given, h, rng)
    father = name_parts(p, p.father, p.self_father, h, rng, True)
    fam = family_for(p, h, rng)
    if p.title and rng.random() < h.get("title", 0.3):
        given = p.title + " " + given
    if h["layout"] == "split":
        gcol, fcol, famcol = given, "", ""
        if h.get("father_col") and rng.random() < h.get("father_fill", 0.9):
            fcol = father
        if h.get("family_col"):
            famcol = fam
            if not famcol and rng.random() < h.get("father_as_fam", 0.1):
                famcol = father.split()[-1] if rng.random() < 0.3 else father
        r = rng.random()
        mk = wc(rng, MARKERS_F if p.sex == "F" else MARKERS_M)
        if r < h.get("whole_in_given", 0.02):
            gcol = given + " " + father + ((" " + fam) if fam else "")
            fcol = "" if rng.random() < 0.5 else fcol
            famcol = ""
        elif r < h.get("whole_in_given", 0.02) + h.get("so_in_given", 0.01):
            gcol = given + " " + mk + " " + father
        elif (
            r
            < h.get("whole_in_given", 0.02)
            + h.get("so_in_given", 0.01)
            + h.get("fam_in_given", 0.03)
            and famcol
        ):
            gcol, famcol = given + " " + famcol, ""
        elif r < 0.9 and rng.random() < h.get("col_swap", 0.01) and famcol:
            gcol, famcol = famcol, gcol
        elif r < 0.9 and rng.random() < h.get("father_swap", 0.005) and fcol:
            gcol, fcol = fcol, gcol
        rec["given_name"] = apply_case(gcol, case)
        rec["father_name"] = apply_case(fcol, case)
        rec["family_name"] = apply_case(famcol, case)
    else:
        form = wc(rng, h["full_forms"])
        if p.sex == "F":
            mk = "w/o" if p.role == "wife" and rng.random() < 0.15 else wc(rng, MARKERS_F)
            other = romanise(p.hh.head.given, wc(rng, h["style"]), rng) if mk == "w/o" else None
        else:
            mk = wc(rng, MARKERS_M)
            other = None
        fth = " ".join(other) if other else father
        if form == "gf":
            s = given + " " + (fam or father.split()[-1] if rng.random() < 0.6 else fam or "")
        elif form == "g_mk_f":
            s = given + " " + mk + " " + fth + ((" " + fam) if fam and rng.random() < 0.4 else "")
        elif form == "gff":
            s = given + " " + father + ((" " + fam) if fam else "")
        elif form == "last_first":
            s = (fam or father).upper() + ", " + given
        elif form == "g":
            s = given + ((" " + fam) if fam else "")
        else:
            raise ValueError(form)
        rec["full_name"] = apply_case(" ".join(s.split()), case)
    if rng.random() < h.get("native", 0):
        rec["full_name_native"] = native_full(p, h, rng)
        if rng.random() < h.get("native_only", 0):
            rec["given_name"] = rec["father_name"] = rec["family_name"] = rec["full_name"] = ""


# ---------------------------------------------------------------------------------------------
# The lists. Each list is a compilation of several partner files ("sources"); each source has
# its own habits, drawn once, and writes every person it holds with them.

PHONE_STYLES_LOCAL = [
    ("nat", 45),
    ("nat_sp", 20),
    ("nat_dash", 5),
    ("intl_sp", 10),
    ("intl", 10),
    ("bare", 5),
    ("00", 3),
    ("93", 2),
]
PHONE_STYLES_INTL = [
    ("intl_sp", 35),
    ("intl", 30),
    ("00", 8),
    ("00_sp", 4),
    ("93", 8),
    ("93_sp", 3),
    ("nat", 8),
    ("intl_dash", 4),
]
PHONE_STYLES_MOBILE = [
    ("nat", 35),
    ("bare", 18),
    ("intl", 12),
    ("93", 10),
    ("00", 10),
    ("nat_sp", 8),
    ("intl_sp", 7),
]
TAZ_LATIN = [("jild", 20), ("vol", 15), ("slash", 25), ("jp", 8), ("dash", 7), ("sabt", 25)]
TAZ_DARI = [("fa_short", 40), ("fa_long", 15), ("slash", 15), ("sabt", 20), ("jild", 10)]


def phone_for(p, h, rng, family_phone_p):
    """The phone a list gives for p: own, or the household's (the head's), written its way."""
    head = p.hh.head
    own = p.phones
    if not own and p is not head and rng.random() < h.get("phone_head_only", 0.25):
        return ""  # only the contact's row carries a number
    if own and rng.random() >= family_phone_p:
        num = own[0] if len(own) == 1 or rng.random() < 0.7 else own[1]
    elif head.phones:
        num = head.phones[0]
    elif own:
        num = own[0]
    else:
        others = [q for q in p.hh.members if q.phones]
        if not others:
            return ""
        num = others[0].phones[0]
    s = fmt_af_phone(num, wc(rng, h["phone"]), rng)
    if rng.random() < h.get("num_typo", 0.01):
        s = digit_typo(s, rng)
    if rng.random() < h.get("persian_digits", 0) * 0.7:
        s = to_persian_digits(s, arabic=rng.random() < 0.1)
    if rng.random() < h.get("two_phones", 0) and len(own) > 1:
        s += wc(rng, [(" / ", 50), (", ", 30), (" - ", 20)]) + fmt_af_phone(
            own[1], wc(rng, h["phone"]), rng
        )
    return s


def fill(rec, key, value, h, rng, blank_p=None):
    """Put value in rec[key]; an empty value may be written as a placeholder."""
    if value:
        rec[key] = value
    elif rng.random() < (h.get("ph_rate", 0.1) if blank_p is None else blank_p):
        rec[key] = placeholder(rng, h)


def siv_fmt(case, h, rng):
    if not case:
        return ""
    r = rng.random()
    f = h.get("siv_forms", [("full", 80), ("bare", 12), ("space", 4), ("lower", 2), ("dash", 2)])
    form = wc(rng, f)
    if form == "full":
        s = case
    elif form == "bare":
        s = case[3:]
    elif form == "space":
        s = case[:3] + " " + case[3:]
    elif form == "lower":
        s = case.lower()
    else:
        s = case[:3] + "-" + case[3:7] + "-" + case[7:]
    if r < h.get("num_typo", 0.01):
        s = s[:3] + digit_typo(s[3:], rng)
    return s


# -- ngo_staff: NGO HR / beneficiary sheets, typed in Kabul by a clerk into Excel ---------------
def habits_ngo(rng):
    return {
        "layout": "split",
        "father_col": True,
        "father_fill": 0.92,
        "family_col": True,
        "p_self": 0.6,
        "style": [("fa", 50), ("en", 35), ("ps", 15)],
        "case": wc(
            rng, [([("title", 1)], 70), ([("upper", 1)], 20), ([("title", 85), ("upper", 15)], 10)]
        ),
        "drop": 0.04,
        "title": 0.4,
        "father_as_fam": 0.15,
        "tribe_as_fam": 0.3,
        "greg": wc(rng, [("dmy/", 55), ("dmy-", 10), ("dmy.", 10), ("mdy/", 15), ("iso", 10)]),
        "nopad": wc(rng, [(0, 60), (0.5, 40)]),
        "year_only": [("jan1", 45), ("year", 40), ("zeros", 15)],
        "sh": wc(rng, [(0, 70), (0.15, 30)]),
        "sex": wc(rng, [("MF", 60), ("word", 40)]),
        "phone": [(wc(rng, PHONE_STYLES_LOCAL), 85), ("nat", 15)],
        "two_phones": 0.08,
        "taz": [(wc(rng, TAZ_LATIN), 70), ("sabt", 15), ("slash", 15)],
        "taz_skip": 0.15,
        "ph_rate": 0.15,
        "native": wc(rng, [(0, 70), (0.8, 30)]),
        "prov_city": 0.2,
        "old_pp": 0.25,
        "num_typo": 0.012,
        "whole_in_given": 0.015,
        "fam_in_given": 0.02,
    }


def write_ngo(p, h, rng, rec):
    hh = p.hh
    write_names(p, h, rng, rec)
    rec["sex"] = fmt_sex(p, h, rng)
    rec["date_of_birth"] = fmt_dob(p, h, rng)
    fill(rec, "phone", phone_for(p, h, rng, 0.5 if p is not hh.staff else 0.0), h, rng)
    fill(rec, "tazkira_number", fmt_tazkira(p, h, rng), h, rng)
    fill(
        rec, "passport_number", pick_passport(p, h, rng) if rng.random() < 0.5 else "", h, rng, 0.05
    )
    rec["province"] = fmt_province(p, h, rng, 0.15)
    if p is hh.staff:
        fill(rec, "email", p.email if rng.random() < 0.8 else "", h, rng)
    if rng.random() < 0.9:
        rec["siv_case_number"] = hh.ngo_no  # the NGO's own family number, in this column


def select_ngo(w, rng):
    for hh in w.households:
        if not hh.ngo:
            continue
        staff_only = rng.random() < 0.25
        for p in hh.members:
            if p is hh.staff or (
                not staff_only
                and rng.random() < (0.88 if p.role in ("wife", "son", "daughter", "head") else 0.4)
            ):
                yield hh, p


# -- siv_applicants: applicants' own English forms (DS-157 / COM packets), compiled -------------
def habits_siv(rng):
    return {
        "layout": "split",
        "father_col": True,
        "father_fill": 0.6,
        "family_col": True,
        "p_self": 0.85,
        "style": [("en", 50), ("fa", 30), ("ps", 20)],
        "case": wc(rng, [([("title", 1)], 55), ([("upper", 1)], 45)]),
        "drop": 0.03,
        "title": 0.05,
        "fam_use": 0.95,
        "tribe_as_fam": 0.5,
        "father_as_fam": 0.45,
        "greg": [
            (wc(rng, [("mdy/", 50), ("iso", 30), ("dmy/", 15), ("us_long", 5)]), 85),
            ("mdy/", 10),
            ("iso", 5),
        ],
        "year_only": [("jan1", 90), ("year", 10)],
        "sh": 0.0,
        "sex": wc(rng, [("word", 60), ("MF", 40)]),
        "phone": [(wc(rng, PHONE_STYLES_INTL), 80), ("intl", 20)],
        "taz": [(wc(rng, TAZ_LATIN), 60), ("slash", 40)],
        "taz_skip": 0.55,
        "etaz_dash": 0.7,
        "ph_rate": 0.2,
        "native": 0.0,
        "old_pp": 0.45,
        "num_typo": 0.01,
        "prov_city": 0.25,
        "siv_forms": [("full", 85), ("bare", 10), ("space", 5)],
        "whole_in_given": 0.01,
        "fam_in_given": 0.01,
    }


def write_siv(p, h, rng, rec):
    hh = p.hh
    write_names(p, h, rng, rec)
    if not rec["family_name"] and rng.random() < 0.5:
        # US forms need a surname: "FNU" (first name unknown) with the whole name as surname
        rec["family_name"] = rec["given_name"]
        rec["given_name"] = "FNU"
    rec["sex"] = fmt_sex(p, h, rng)
    rec["date_of_birth"] = fmt_dob(p, h, rng)
    princ = hh.siv_principal
    fill(rec, "phone", phone_for(p, h, rng, 0.7), h, rng)
    fill(rec, "passport_number", pick_passport(p, h, rng), h, rng)
    fill(rec, "tazkira_number", fmt_tazkira(p, h, rng), h, rng, 0.05)
    rec["province"] = fmt_province(p, h, rng, 0.5)
    fill(rec, "email", p.email or (princ.email if rng.random() < 0.7 else ""), h, rng, 0.05)
    rec["siv_case_number"] = siv_fmt(hh.siv_case, h, rng)


def select_siv(w, rng):
    for hh in w.households:
        if not hh.siv:
            continue
        for p in hh.members:
            if p.siv_case and (p is hh.siv_principal or rng.random() < 0.95):
                yield hh, p


# -- congress: congressional offices' exports of constituents' requests -------------------------
def habits_congress(rng):
    return {
        "layout": "full",
        "p_self": 0.55,
        "style": [("en", 70), ("fa", 15), ("ps", 15)],
        "full_forms": [
            ("gf", 55),
            ("gff", 15),
            ("last_first", wc(rng, [(0, 60), (25, 40)])),
            ("g", 10),
            ("g_mk_f", 5),
        ],
        "case": wc(rng, [([("title", 1)], 70), ([("upper", 1)], 30)]),
        "drop": 0.08,
        "title": 0.1,
        "fam_use": 0.9,
        "tribe_as_fam": 0.3,
        "typo": 0.04,
        "greg": wc(rng, [("mdy/", 80), ("iso", 10), ("us_long", 10)]),
        "nopad": 0.4,
        "year_only": [("jan1", 60), ("year", 40)],
        "dob_blank": wc(rng, [(0.1, 50), (0.4, 50)]),
        "age": 0.04,
        "sex": wc(rng, [("word", 50), ("MF", 50)]),
        "sex_blank": wc(rng, [(0.2, 50), (0.9, 50)]),
        "phone": [(wc(rng, PHONE_STYLES_INTL), 70), ("93", 15), ("intl", 15)],
        "us_phone": wc(
            rng, [("paren", 40), ("dash", 30), ("dot", 10), ("intl", 10), ("plain", 10)]
        ),
        "ph_rate": 0.35,
        "old_pp": 0.4,
        "num_typo": 0.015,
        "siv_forms": [("full", 55), ("bare", 35), ("space", 5), ("dash", 5)],
    }


def write_congress(p, h, rng, rec):
    hh = p.hh
    write_names(p, h, rng, rec)
    rec["sex"] = fmt_sex(p, h, rng)
    rec["date_of_birth"] = fmt_dob(p, h, rng)
    if hh.sponsor_phone and rng.random() < 0.55:
        rec["phone"] = fmt_us_phone(hh.sponsor_phone, h["us_phone"])
    else:
        fill(rec, "phone", phone_for(p, h, rng, 0.7) if rng.random() < 0.75 else "", h, rng)
    fill(rec, "passport_number", pick_passport(p, h, rng) if rng.random() < 0.5 else "", h, rng)
    fill(
        rec,
        "email",
        hh.sponsor_email if hh.sponsor_email and rng.random() < 0.7 else p.email,
        h,
        rng,
    )
    case = hh.siv_case if hh.siv else ""
    if case:
        rec["siv_case_number"] = siv_fmt(case, h, rng) if rng.random() < 0.8 else ""
    elif rng.random() < 0.1:
        rec["siv_case_number"] = wc(rng, [("pending", 40), ("applied", 20), ("N/A", 40)])
    if rng.random() < 0.15:
        rec["province"] = fmt_province(p, h, rng)


def select_congress(w, rng):
    for hh in w.households:
        if not ((hh.us_rel and rng.random() < 0.7) or (hh.siv and rng.random() < 0.25)):
            continue
        whole = rng.random() < 0.6
        for p in hh.members:
            if (
                p is hh.head
                or p is hh.siv_principal
                or (whole and rng.random() < 0.95)
                or (p.role == "wife" and rng.random() < 0.5)
            ):
                yield hh, p


# -- kobo_form: an open web form, filled at night on phones by relatives, in Dari or English -----
def habits_kobo(rng):
    dari = rng.random() < 0.6
    return {
        "layout": "split",
        "father_col": True,
        "father_fill": 0.85,
        "family_col": True,
        "p_self": 0.35,
        "style": [("fa", 50), ("en", 35), ("ps", 15)],
        "case": [("title", 55), ("lower", 30), ("upper", 15)],
        "drop": 0.07,
        "title": 0.3,
        "typo": 0.05,
        "fam_use": 0.7,
        "tribe_as_fam": 0.2,
        "father_as_fam": 0.12,
        "whole_in_given": 0.08,
        "so_in_given": 0.03,
        "fam_in_given": 0.05,
        "join": 0.06,
        "greg": [("dmy/", 60), ("iso", 10), ("dmy-", 15), ("mdy/", 15)],
        "nopad": 0.5,
        "sh": 0.55 if dari else 0.2,
        "persian_digits": 0.5 if dari else 0.1,
        "age": 0.08,
        "age_forms": [("%d", 50), ("%d ساله", 30), ("%d years", 20)],
        "year_only": [("year", 50), ("jan1", 25), ("zeros", 25)],
        "sex": ([("fa", 70), ("ps", 15), ("lword", 15)] if dari else [("lword", 80), ("word", 20)]),
        "phone": PHONE_STYLES_MOBILE,
        "two_phones": 0.05,
        "taz": TAZ_DARI
        if dari
        else [("sabt", 30), ("slash", 25), ("jild", 15), ("fa_short", 15), ("vol", 15)],
        "etaz_dash": 0.4,
        "taz_skip": 0.1,
        "ph_rate": 0.25,
        "ph_fa": 0.5 if dari else 0.1,
        "native": 0.9 if dari else 0.35,
        "native_var": 0.25,
        "native_father": 0.6,
        "native_only": 0.1 if dari else 0.0,
        "father_swap": 0.015,
        "prov_dari": 0.45 if dari else 0.0,
        "prov_case": "lower" if rng.random() < 0.5 else "title",
        "num_typo": 0.02,
        "old_pp": 0.3,
    }


def write_kobo(p, h, rng, rec):
    hh = p.hh
    write_names(p, h, rng, rec)
    rec["sex"] = fmt_sex(p, h, rng)
    rec["date_of_birth"] = fmt_dob(p, h, rng)
    sub = hh.submitter
    if sub is not None and sub is not p and sub.phones and rng.random() < 0.55:
        s = fmt_af_phone(sub.phones[0], wc(rng, h["phone"]), rng)
        rec["phone"] = to_persian_digits(s) if rng.random() < h["persian_digits"] * 0.7 else s
    else:
        fill(rec, "phone", phone_for(p, h, rng, 0.6), h, rng)
    fill(rec, "tazkira_number", fmt_tazkira(p, h, rng), h, rng)
    fill(
        rec, "passport_number", pick_passport(p, h, rng) if rng.random() < 0.6 else "", h, rng, 0.3
    )
    rec["province"] = fmt_province(p, h, rng, 0.4)
    if rng.random() < 0.15:
        rec["email"] = p.email or (sub.email if sub is not None else "") or hh.head.email
    if hh.siv and rng.random() < 0.4:
        rec["siv_case_number"] = siv_fmt(hh.siv_case, h, rng)


def select_kobo(w, rng):
    for hh in w.households:
        if not hh.kobo:
            continue
        others = [o.head for o in hh.clan.households if o is not hh and o.head.phones]
        sons = [p for p in hh.members if p.role == "son" and p.age >= 18 and p.phones]
        r = rng.random()
        if others and r < 0.2:
            hh.submitter = rng.choice(others)  # a brother or cousin fills the form for them
        elif sons and r < 0.35:
            hh.submitter = sons[0]
        else:
            hh.submitter = hh.head
        whole = rng.random() < 0.55
        for p in hh.members:
            if (
                p is hh.head
                or (whole and rng.random() < 0.92)
                or (p.role in ("wife", "son", "daughter") and rng.random() < 0.35)
            ):
                yield hh, p


# -- manifest: flight manifests (airline / military), names copied from passports ---------------
def habits_manifest(rng):
    return {
        "layout": "full",
        "p_self": 0.5,
        "style": [("en", 60), ("fa", 30), ("ps", 10)],
        "case": [("upper", 1)],
        "full_forms": [("gf", 1)],
        "typo": 0.02,
        "drop": 0.03,
        "greg": wc(rng, [("manifest", 75), ("mil", 15), ("dmy/", 10)]),
        "year_only": [("jan1", 1)],
        "sex": "MF",
        "old_pp": 0.05,
        "num_typo": 0.008,
        "ph_rate": 0.0,
        "fam_use": 0.9,
        "tribe_as_fam": 0.2,
    }


def manifest_title(p):
    if p.age < 2:
        return "INF"
    if p.age < 12:
        return "MSTR" if p.sex == "M" else wc_static(p, ["MISS", "CHD"])
    if p.sex == "M":
        return "MR"
    return "MRS" if p.role in ("wife", "mother") else "MS"


def wc_static(p, opts):
    return opts[int(p.pid[1:]) % len(opts)]


def write_manifest(p, h, rng, rec):
    has_doc = bool(p.passports or p.us_passport)
    if has_doc and rng.random() < 0.93:
        sur, giv = p.pp_surname, p.pp_given
        if rng.random() < h.get("typo", 0.02):
            giv = typo(giv, rng)
        rec["passport_number"] = pick_passport(p, h, rng)
    else:
        # no passport: the agent types what the person (or an interpreter) says
        g = name_parts(p, p.given, p.self_given, h, rng).upper()
        fam = family_for(p, h, rng).upper()
        sur = fam or (
            name_parts(p, p.father, p.self_father, h, rng).upper().split()[-1]
            if rng.random() < 0.4
            else ""
        )
        giv = ascii_fold(g.replace("-", " ").replace("'", ""))
        sur = ascii_fold(sur.replace("-", " ").replace("'", ""))
        r = rng.random()
        parent = p.hh.head if p.hh.head.passports else None
        if p.age < 16 and parent and rng.random() < 0.3:
            rec["passport_number"] = parent.passports[-1]  # a child entered on a parent's passport
        elif r < 0.15 and p.paper:
            rec["passport_number"] = (
                str(p.paper[2]) if rng.random() < 0.5 else p.etaz or str(p.paper[2])
            )
        elif r < 0.55:
            rec["passport_number"] = wc(
                rng,
                [
                    ("NIL", 30),
                    ("NONE", 20),
                    ("TBA", 15),
                    ("NO PASSPORT", 10),
                    ("000000", 10),
                    ("N/A", 15),
                ],
            )
    if not sur:
        toks = giv.split()
        if len(toks) > 1 and rng.random() < 0.6:
            sur, giv = toks[-1], " ".join(toks[:-1])
        else:
            sur, giv = (giv, "FNU") if rng.random() < 0.5 else (giv, giv)
    if rng.random() < 0.1:
        giv = giv.replace(" ", "")
    name = f"{sur}/{giv} {manifest_title(p)}"
    if len(name) > 39 and rng.random() < 0.5:
        name = name[:39]
    rec["full_name"] = name
    rec["sex"] = fmt_sex(p, h, rng)
    if has_doc:
        # the passport's date of birth: 1 January of the believed year when the day is unknown
        if p.dob_known:
            y, m, d = p.birth.year, p.birth.month, p.birth.day
        else:
            y, m, d = p.stated_sh_year + 621, 1, 1
        rec["date_of_birth"] = fmt_greg(y, m, d, h["greg"])
    else:
        rec["date_of_birth"] = fmt_dob(p, h, rng)


def select_manifest(w, rng):
    for hh in w.households:
        if not hh.evac:
            continue
        for p in hh.members:
            if rng.random() < 0.93:
                yield hh, p


# -- un_referral: UN agency referrals of at-risk people, transliterated by interpreters ---------
def habits_un(rng):
    return {
        "layout": "split",
        "father_col": True,
        "father_fill": 0.97,
        "family_col": True,
        "p_self": 0.2,
        "style": [("fa", 60), ("en", 25), ("ps", 15)],
        "case": [("title", 1)],
        "drop": 0.04,
        "title": 0.2,
        "fam_use": 0.8,
        "tribe_as_fam": 0.25,
        "greg": "dmy/",
        "year_only": [("zeros", 30), ("year", 30), ("jan1", 40)],
        "sh": wc(rng, [(0, 50), (0.1, 50)]),
        "age": 0.03,
        "sex": "MF",
        "phone": [(wc(rng, PHONE_STYLES_LOCAL), 80), ("nat", 20)],
        "taz": [(wc(rng, TAZ_LATIN), 50), ("fa_short", 15), ("slash", 20), ("sabt", 15)],
        "taz_skip": 0.2,
        "ph_rate": 0.3,
        "native": wc(rng, [(0.4, 50), (0.9, 50)]),
        "native_father": 0.8,
        "prov_city": 0.25,
        "num_typo": 0.015,
        "old_pp": 0.3,
    }


def write_un(p, h, rng, rec):
    write_names(p, h, rng, rec)
    rec["sex"] = fmt_sex(p, h, rng)
    rec["date_of_birth"] = fmt_dob(p, h, rng)
    fill(rec, "phone", phone_for(p, h, rng, 0.8), h, rng)
    fill(rec, "tazkira_number", fmt_tazkira(p, h, rng), h, rng)
    if rng.random() < 0.3:
        fill(rec, "passport_number", pick_passport(p, h, rng), h, rng)
    rec["province"] = fmt_province(p, h, rng, 0.5)


def select_un(w, rng):
    for hh in w.households:
        if not hh.vulnerable:
            continue
        for p in hh.members:
            if rng.random() < 0.88:
                yield hh, p


# -- veterans: US veterans' spreadsheets for their interpreters and families --------------------
def habits_vet(rng):
    full = rng.random() < 0.4
    return {
        "layout": "full" if full else "split",
        "father_col": False,
        "family_col": True,
        "p_self": 0.8,
        "style": [("en", 80), ("fa", 10), ("ps", 10)],
        "full_forms": [("gf", 80), ("g", 15), ("last_first", 5)],
        "case": wc(
            rng, [([("title", 1)], 60), ([("upper", 1)], 20), ([("title", 60), ("lower", 40)], 20)]
        ),
        "drop": 0.12,
        "title": 0.05,
        "fam_use": 0.9,
        "tribe_as_fam": 0.4,
        "father_as_fam": 0.3,
        "typo": 0.04,
        "greg": wc(rng, [("mdy/", 75), ("iso", 15), ("us_long", 10)]),
        "nopad": 0.5,
        "year_only": [("jan1", 50), ("year", 50)],
        "age": wc(rng, [(0.0, 60), (0.3, 40)]),
        "age_forms": [("%d", 50), ("~%d", 20), ("%d yo", 30)],
        "dob_blank": 0.15,
        "sex": "MF",
        "sex_blank": wc(rng, [(0.3, 50), (1.0, 50)]),
        "phone": PHONE_STYLES_MOBILE,
        "us_phone": wc(rng, [("paren", 40), ("dash", 40), ("intl", 20)]),
        "ph_rate": 0.1,
        "old_pp": 0.4,
        "num_typo": 0.02,
        "taz": TAZ_LATIN,
        "siv_forms": [("full", 60), ("bare", 30), ("space", 5), ("lower", 5)],
    }


def write_vet(p, h, rng, rec):
    hh = p.hh
    write_names(p, h, rng, rec)
    main = hh.siv_principal or hh.head
    if hh.nickname and p is main and rng.random() < 0.5:
        nk = hh.nickname
        key = "full_name" if rec["full_name"] else "given_name"
        nm = rec[key]
        rec[key] = wc(
            rng,
            [
                (f'{nm} "{nk}"', 30),
                (f"{nm} ({nk})", 25),
                (f"{nk} ({nm})", 15),
                (f'"{nk}" {nm}', 10),
                (nk + " " + " ".join(nm.split()[1:]) if key == "full_name" else nk, 20),
            ],
        )
    rec["sex"] = fmt_sex(p, h, rng)
    rec["date_of_birth"] = fmt_dob(p, h, rng)
    if hh.sponsor_phone and rng.random() < 0.2:
        rec["phone"] = fmt_us_phone(hh.sponsor_phone, h["us_phone"])
    else:
        fill(rec, "phone", phone_for(p, h, rng, 0.85), h, rng)
    fill(rec, "passport_number", pick_passport(p, h, rng) if rng.random() < 0.7 else "", h, rng)
    r = rng.random()
    if r < 0.5 and hh.sponsor_email:
        rec["email"] = hh.sponsor_email
    elif r < 0.8:
        rec["email"] = p.email or hh.head.email
    rec["siv_case_number"] = (
        siv_fmt(hh.siv_case, h, rng)
        if hh.siv and rng.random() < 0.85
        else (
            wc(rng, [("pending", 50), ("COM approved", 25), ("applied 2019", 25)])
            if rng.random() < 0.1
            else ""
        )
    )
    if rng.random() < 0.1:
        fill(rec, "tazkira_number", fmt_tazkira(p, h, rng), h, rng)


def select_vet(w, rng):
    for hh in w.households:
        if not (
            (hh.interp and rng.random() < 0.65)
            or (hh.us_rel and hh.sponsor_email and rng.random() < 0.05)
        ):
            continue
        only_him = rng.random() < 0.3
        main = hh.siv_principal or hh.head
        for p in hh.members:
            if p is main or (
                not only_him
                and p.role in ("wife", "son", "daughter", "head")
                and rng.random() < 0.9
            ):
                yield hh, p


# name, habits, writer, selector, number of partner files, resubmission rate, rewrite-by-other-file
LISTS = [
    ("ngo_staff", habits_ngo, write_ngo, select_ngo, 4, 0.02, False),
    ("siv_applicants", habits_siv, write_siv, select_siv, 3, 0.04, False),
    ("congress", habits_congress, write_congress, select_congress, 8, 0.10, True),
    ("kobo_form", habits_kobo, write_kobo, select_kobo, 2, 0.14, False),
    ("manifest", habits_manifest, write_manifest, select_manifest, 6, 0.007, True),
    ("un_referral", habits_un, write_un, select_un, 3, 0.03, False),
    ("veterans", habits_vet, write_vet, select_vet, 10, 0.07, True),
]


def generate(n_persons, seed):
    w = World(n_persons, seed)
    rows = []
    truth = []
    for li, (name, habits, write, select, n_src, dup, other_src) in enumerate(LISTS):
        rng = random.Random("%d:%s" % (seed, name))  # str seeds hash with sha512: stable
        sources = [habits(rng) for _ in range(n_src)]
        out = []
        for hh, p in list(select(w, rng)):
            src = (hh.hid * 7919 + li) % n_src
            copies = 1
            while rng.random() < dup and copies < 4:
                copies += 1
            for c in range(copies):
                s = src if (c == 0 or not other_src) else rng.randrange(n_src)
                rec = dict.fromkeys(COLUMNS, "")
                write(p, sources[s], rng, rec)
                out.append((rec, p.pid))
        rng.shuffle(out)
        for k, (rec, pid) in enumerate(out, 1):
            rec["record_id"] = "%s-%06d" % (name, k)
            rows.append(rec)
            truth.append((rec["record_id"], pid))
    return w, rows, truth


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--persons", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    _, rows, truth = generate(a.persons, a.seed)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "records.csv"), "w", newline="", encoding="utf-8") as f:
        wr = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        wr.writeheader()
        wr.writerows(rows)
    with open(os.path.join(a.out, "truth.csv"), "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["record_id", "person_id"])
        wr.writerows(truth)


if __name__ == "__main__":
    main()
