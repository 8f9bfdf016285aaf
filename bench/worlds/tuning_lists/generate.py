"""A third, independent world of Afghan-style evacuee lists, with its truth, for tuning linkage.

    python generate.py --persons 20000 --seed 1 --out /tmp/tuning

writes records.csv (evac's link-file columns) and truth.csv (record_id, person_id).
Standard library only; the same seed gives the same files. See README.md for every habit,
its rate and where the rate comes from.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

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

# The day the lists were written: the airlift's second week.
LIST_DAY = dt.date(2021, 8, 22)

# ---------------------------------------------------------------------------
# Names: native script and the Latin spellings lists write, most common first.
# ---------------------------------------------------------------------------

# "Subordinate" first parts that carry little information (Megerdoomian 2009).
PREFIXES = {
    "mohammad": (
        "محمد",
        "Mohammad Muhammad Mohammed Mohamad Muhammed Mohd Mohamed Md Mohmmad Mohamadd",
    ),
    "ghulam": ("غلام", "Ghulam Gholam Golam Gulam"),
    "noor": ("نور", "Noor Nur Nour"),
    "sayed": ("سید", "Sayed Sayyed Syed Said Sayyid Sayd"),
    "gul": ("گل", "Gul Gol"),
    "mir": ("میر", "Mir Meer"),
    "shah": ("شاه", "Shah Sha"),
    "ahmad": ("احمد", "Ahmad Ahmed"),
    "khan": ("خان", "Khan Kahn"),
    "din": ("دین", "Din Deen"),
}

MALE = {
    "zaman": ("زمان", "Zaman Zamaan"),
    "hazrat": ("حضرت", "Hazrat Hazarat Hezrat"),
    "ali": ("علی", "Ali Aly"),
    "karim": ("کریم", "Karim Kareem Kerim"),
    "rahim": ("رحیم", "Rahim Raheem"),
    "nabi": ("نبی", "Nabi Nabee"),
    "qasim": ("قاسم", "Qasim Qassim Ghasem Kasim Qasem"),
    "hashim": ("هاشم", "Hashim Hashem Hashem"),
    "yousuf": ("یوسف", "Yousuf Yusuf Yousef Yosuf Yousaf"),
    "ahmad": ("احمد", "Ahmad Ahmed Ahmat"),
    "mahmood": ("محمود", "Mahmood Mahmud Mahmoud Mehmood"),
    "hamid": ("حمید", "Hamid Hameed"),
    "hamed": ("حامد", "Hamed Hamid"),
    "hasan": ("حسن", "Hasan Hassan Hassen"),
    "hassaan": ("حسان", "Hassan Hasaan Hassaan"),
    "husain": ("حسین", "Hussain Husain Hussein Hosein Hossain Husayn Hussian"),
    "farid": ("فرید", "Farid Fareed"),
    "wahid": ("وحید", "Wahid Waheed Vahid"),
    "nawid": ("نوید", "Nawid Naveed Navid Naweed"),
    "jamshid": ("جمشید", "Jamshid Jamsheed"),
    "bilal": ("بلال", "Bilal Belal"),
    "idris": ("ادریس", "Idrees Idris Edris"),
    "ismail": ("اسماعیل", "Ismail Esmail Ismael Ismaeel"),
    "omar": ("عمر", "Omar Umar Omer"),
    "khalid": ("خالد", "Khalid Khaled"),
    "tariq": ("طارق", "Tariq Tareq Tarek Tarik"),
    "sharif": ("شریف", "Sharif Shareef"),
    "jalil": ("جلیل", "Jalil Jaleel"),
    "wali": ("ولی", "Wali Walli"),
    "aziz": ("عزیز", "Aziz Azeez"),
    "nasir": ("ناصر", "Nasir Naser Nasser"),
    "ajmal": ("اجمل", "Ajmal Ajmall"),
    "fawad": ("فواد", "Fawad Fuad Fawaad"),
    "mansoor": ("منصور", "Mansoor Mansour Mansur"),
    "shafiq": ("شفیق", "Shafiq Shafeeq Shafik"),
    "najib": ("نجیب", "Najib Najeeb"),
    "habib": ("حبیب", "Habib Habeeb"),
    "jawid": ("جاوید", "Jawid Javed Javid Jaweed"),
    "sher": ("شیر", "Sher Shir"),
    "zalmai": ("زلمی", "Zalmai Zalmay Zalmi"),
    "mirwais": ("میرویس", "Mirwais Mirways Mir Wais"),
    "sohrab": ("سهراب", "Sohrab Suhrab"),
    "rashid": ("رشید", "Rashid Rasheed"),
    "jawad": ("جواد", "Jawad Javad"),
    "naeem": ("نعیم", "Naeem Naim"),
    "saleem": ("سلیم", "Saleem Salim"),
    "salim": ("صلیم", "Salim Saleem"),
    "zia": ("ضیا", "Zia Ziya Ziaa"),
    "rafi": ("رفیع", "Rafi Rafee Rafie"),
    "ibrahim": ("ابراهیم", "Ibrahim Ebrahim Ibraheem"),
    "musa": ("موسی", "Musa Mosa Moosa"),
    "daud": ("داود", "Daud Dawood Dawud Daoud"),
    "eid": ("عید", "Eid Id Ied"),
    "baz": ("باز", "Baz Baaz"),
    "lal": ("لعل", "Lal Laal"),
    "hakim": ("حکیم", "Hakim Hakeem"),
    "rasul": ("رسول", "Rasul Rasool Rasoul"),
    "farhad": ("فرهاد", "Farhad Farhaad"),
    "nazir": ("نذیر", "Nazir Nazeer"),
    "bashir": ("بشیر", "Bashir Basheer"),
    "sadiq": ("صادق", "Sadiq Sadeq Sadiq"),
    "haroon": ("هارون", "Haroon Harun Haron"),
    "kabir": ("کبیر", "Kabir Kabeer"),
    "munir": ("منیر", "Munir Muneer Monir"),
    "sabir": ("صابر", "Sabir Saber"),
    "wasim": ("وسیم", "Wasim Waseem"),
    "zubair": ("زبیر", "Zubair Zobair Zubayr"),
    "fazal": ("فضل", "Fazal Fazl Fazel"),
    "akbar": ("اکبر", "Akbar Akber"),
    "asghar": ("اصغر", "Asghar Asgher"),
    "anwar": ("انور", "Anwar Anwer Anvar"),
    "sultan": ("سلطان", "Sultan Soltan"),
    "shams": ("شمس", "Shams Shamss"),
    "mujib": ("مجیب", "Mujib Mujeeb"),
    "nazar": ("نظر", "Nazar Nazer"),
    "gulab": ("گلاب", "Gulab Golab"),
    "faiz": ("فیض", "Faiz Faez Fayz"),
    "qais": ("قیس", "Qais Qays Kais"),
}

# -ullah names: Pashto standard writes one word (Rahmatullah); lists also write Ullah apart.
ULLAH = {
    "zabih": ("ذبیح", "Zabih Zabi Zabee"),
    "rahmat": ("رحمت", "Rahmat Rehmat"),
    "hayat": ("حیات", "Hayat Hayatt"),
    "najib": ("نجیب", "Najib Najeeb"),
    "asad": ("اسد", "Asad Assad"),
    "hikmat": ("حکمت", "Hikmat Hekmat"),
    "ehsan": ("احسان", "Ehsan Ihsan Ahsan"),
    "sana": ("ثنا", "Sana Sanaa"),
    "sami": ("سمیع", "Sami Samee Samie"),
    "khair": ("خیر", "Khair Khayr Kher"),
    "lutf": ("لطف", "Lutf Lotf"),
    "inayat": ("عنایت", "Inayat Enayat"),
    "obaid": ("عبید", "Obaid Ubaid Obaed"),
    "hamd": ("حمد", "Hamd Hamed"),
    "amin": ("امین", "Amin Ameen"),
    "saif": ("سیف", "Saif Saifu Sayf"),
    "kalim": ("کلیم", "Kalim Kaleem"),
    "habib": ("حبیب", "Habib Habeeb"),
}

# Abd + a divine attribute. Sun letters assimilate the l (Abdur Rahman, Abdus Samad).
ABDUL = {
    "rahman": ("الرحمن", "Rahman Rehman", "r"),
    "rahim": ("الرحیم", "Rahim Raheem", "r"),
    "ghafoor": ("الغفور", "Ghafoor Ghafur Gafoor Ghafour", ""),
    "karim": ("الکریم", "Karim Kareem", ""),
    "wahid": ("الواحد", "Wahid Wahed Waheed", ""),
    "qadir": ("القادر", "Qadir Qader Kadir Ghader", ""),
    "haq": ("الحق", "Haq Haque Hak Hagh", ""),
    "jabbar": ("الجبار", "Jabbar Jabar", ""),
    "samad": ("الصمد", "Samad Samed", "s"),
    "hadi": ("الهادی", "Hadi Hady", ""),
    "basir": ("البصیر", "Basir Baseer Besir", ""),
    "latif": ("اللطیف", "Latif Lateef", "l"),
    "majid": ("المجید", "Majid Majeed Maajid", ""),
    "wali": ("الولی", "Wali Walee", ""),
    "hakim": ("الحکیم", "Hakim Hakeem", ""),
    "malik": ("الملک", "Malik Malek", ""),
    "ahad": ("الاحد", "Ahad Ahed", ""),
    "raziq": ("الرزاق", "Raziq Razaq Razzaq Razzak", "r"),
    "sattar": ("الستار", "Sattar Satar Sattaar", "s"),
    "salam": ("السلام", "Salam Salaam", "s"),
    "rauf": ("الرؤف", "Rauf Raouf Rawoof", "r"),
    "nasir": ("الناصر", "Nasir Naser", "n"),
    "shakoor": ("الشکور", "Shakoor Shakur", "sh"),
}

FEMALE = {
    "fatima": ("فاطمه", "Fatima Fatema Fatimah Fatemah Fatma"),
    "maryam": ("مریم", "Maryam Mariam Maryum Mariyam"),
    "zainab": ("زینب", "Zainab Zaynab Zeinab Zenab"),
    "khadija": ("خدیجه", "Khadija Khadijah Khadeja Khadeeja"),
    "farzana": ("فرزانه", "Farzana Farzaneh Farzanah"),
    "nargis": ("نرگس", "Nargis Narges Nargess"),
    "shabana": ("شبانه", "Shabana Shabanah"),
    "gulalai": ("ګلالۍ", "Gulalai Gulalay Gulali Gulalei"),
    "malalai": ("ملالۍ", "Malalai Malalay Malali"),
    "zarghona": ("زرغونه", "Zarghona Zarghuna Zarghoona"),
    "nazia": ("نازیه", "Nazia Naziya Nazya"),
    "roya": ("رویا", "Roya Ruya Royaa"),
    "mursal": ("مرسل", "Mursal Morsal"),
    "freshta": ("فرشته", "Freshta Fereshta Fereshteh Frishta"),
    "parwana": ("پروانه", "Parwana Parvana Parwane"),
    "laila": ("لیلا", "Laila Leila Layla Lila"),
    "hamida": ("حمیده", "Hamida Hameeda Hamide"),
    "sharifa": ("شریفه", "Sharifa Shareefa Sharifah"),
    "nafisa": ("نفیسه", "Nafisa Nafeesa Nafisah"),
    "sima": ("سیما", "Sima Seema Simaa"),
    "zahra": ("زهرا", "Zahra Zohra Zuhra Zehra"),
    "masooma": ("معصومه", "Masooma Masuma Masoumeh Masoma"),
    "storai": ("ستوری", "Storai Sturai Storay"),
    "shukria": ("شکریه", "Shukria Shukriya Shokria"),
    "marzia": ("مرضیه", "Marzia Marziya Marzieh"),
    "fariba": ("فریبا", "Fariba Fareeba"),
    "mahbooba": ("محبوبه", "Mahbooba Mahbuba Mahbobah"),
    "nilofar": ("نیلوفر", "Nilofar Nilufar Nelofar Nilofer"),
    "soraya": ("ثریا", "Soraya Suraya Suraiya Soriya"),
    "nooria": ("نوریه", "Nooria Nuria Noorya"),
    "palwasha": ("پلوشه", "Palwasha Palwashah Palwsha"),
    "wahida": ("وحیده", "Wahida Waheeda Vahida"),
    "tahmina": ("تهمینه", "Tahmina Tahmineh Tahmeena"),
    "shakila": ("شکیله", "Shakila Shakeela Shakilah"),
    "habiba": ("حبیبه", "Habiba Habeeba Habibah"),
    "aziza": ("عزیزه", "Aziza Azeeza Azizah"),
    "nasrin": ("نسرین", "Nasrin Nasreen Nesrin"),
    "zakia": ("زکیه", "Zakia Zakiya Zakiyah"),
    "halima": ("حلیمه", "Halima Haleema Halimah"),
    "bibigul": ("بی بی گل", "Bibi Gul|Bibigul|Bibi Gol"),
    "gulbibi": ("گل بی بی", "Gul Bibi|Gulbibi|Gol Bibi"),
    "hosai": ("هوسۍ", "Hosai Hosay Husai"),
    "sadia": ("سعدیه", "Sadia Saadia Sadiya"),
    "rahima": ("رحیمه", "Rahima Raheema"),
    "karima": ("کریمه", "Karima Kareema"),
    "mina": ("مینا", "Mina Meena"),
    "lida": ("لیدا", "Lida Leeda"),
    "zulaikha": ("زلیخا", "Zulaikha Zulikha Zolaikha"),
    "shirin": ("شیرین", "Shirin Shireen"),
    "gulnaz": ("گلناز", "Gulnaz Golnaz"),
    "pari": ("پری", "Pari Paree"),
    "shazia": ("شازیه", "Shazia Shaziya"),
    "latifa": ("لطیفه", "Latifa Lateefa"),
    "najiba": ("نجیبه", "Najiba Najeeba"),
    "rabia": ("رابعه", "Rabia Rabiya Rabiah"),
    "samira": ("سمیره", "Samira Sameera"),
    "frozan": ("فروزان", "Frozan Forozan"),
    "madina": ("مدینه", "Madina Medina"),
    "hila": ("هیله", "Hila Heela"),
    "mahnaz": ("مهناز", "Mahnaz Mahnoz"),
    "spozhmai": ("سپوږمۍ", "Spozhmai Spojmai Spozhmay"),
    "nadia": ("نادیه", "Nadia Nadiya"),
    "arezo": ("آرزو", "Arezo Arezoo Arzu"),
}

FAMILY = {
    "ahmadzai": ("احمدزی", "Ahmadzai Ahmadzay Ahmedzai"),
    "wardak": ("وردک", "Wardak Wardag Wardaq"),
    "safi": ("صافی", "Safi Saafi Safee"),
    "popal": ("پوپل", "Popal Popalzai"),
    "karimi": ("کریمی", "Karimi Kareemi"),
    "rahimi": ("رحیمی", "Rahimi Raheemi"),
    "hashimi": ("هاشمی", "Hashimi Hashemi Hashmi"),
    "stanikzai": ("ستانکزی", "Stanikzai Stanekzai Stanakzai"),
    "mohammadi": ("محمدی", "Mohammadi Muhammadi Mohamadi"),
    "sultani": ("سلطانی", "Sultani Soltani"),
    "hussaini": ("حسینی", "Hussaini Husaini Hosseini Hussainy"),
    "noori": ("نوری", "Noori Nuri Nouri"),
    "amiri": ("امیری", "Amiri Ameeri"),
    "haidari": ("حیدری", "Haidari Haideri Heydari Hayderi"),
    "sadat": ("سادات", "Sadat Saadat Sadaat"),
    "niazi": ("نیازی", "Niazi Nyazi"),
    "durrani": ("درانی", "Durrani Durani"),
    "barakzai": ("بارکزی", "Barakzai Barakzay"),
    "alokozai": ("علیکوزی", "Alokozai Alkozai Alikozai"),
    "yousufzai": ("یوسفزی", "Yousufzai Yusufzai Yousafzai"),
    "mangal": ("منگل", "Mangal Mangl"),
    "zadran": ("ځدراڼ", "Zadran Dzadran Jadran"),
    "shinwari": ("شینواری", "Shinwari Shinwary Shenwari"),
    "mohmand": ("مومند", "Mohmand Momand"),
    "kakar": ("کاکړ", "Kakar Kakkar"),
    "achakzai": ("اڅکزی", "Achakzai Achekzai"),
    "hotak": ("هوتک", "Hotak Hotaki"),
    "tokhi": ("توخی", "Tokhi Tokhy"),
    "nazari": ("نظری", "Nazari Nazary"),
    "rezaei": ("رضایی", "Rezaei Rezaie Rezayee Rezai"),
    "jafari": ("جعفری", "Jafari Jaffari Jafary"),
    "azizi": ("عزیزی", "Azizi Azeezi"),
    "sharifi": ("شریفی", "Sharifi Sharifee"),
    "habibi": ("حبیبی", "Habibi Habeebi"),
    "hakimi": ("حکیمی", "Hakimi Hakeemi"),
    "qaderi": ("قادری", "Qaderi Qadiri Kaderi"),
    "samadi": ("صمدی", "Samadi Samady"),
    "rasuli": ("رسولی", "Rasuli Rasooli Rasouli"),
    "faizi": ("فیضی", "Faizi Faizy Faezi"),
    "nawabi": ("نوابی", "Nawabi Navabi"),
    "zazai": ("ځاځی", "Zazai Dzadzai"),
    "sahak": ("ساهک", "Sahak Sahaq"),
    "ansari": ("انصاری", "Ansari Ansary"),
    "naseri": ("ناصری", "Naseri Nasiri"),
    "omari": ("عمری", "Omari Umari"),
}

# Titles men carry in a name field (afghan-names.md).
NICKNAMES = [
    "Mike",
    "John",
    "Johnny",
    "Sam",
    "Max",
    "Alex",
    "Tony",
    "Jack",
    "Ben",
    "Joe",
    "Rocky",
    "Steve",
    "Danny",
    "Eddie",
]
MALE_TITLES = [
    "Haji",
    "Hajji",
    "Mullah",
    "Mawlawi",
    "Qari",
    "Hafiz",
    "Eng.",
    "Engineer",
    "Dr.",
    "Dr",
    "Sayed",
    "Alhaj",
]

# Province: native, Latin spellings, capital, other towns lists name instead.
PROVINCES = {
    "kabul": (
        "کابل",
        "Kabul Kabol Kaboul",
        "Kabul City",
        ["Paghman", "Bagrami", "Deh Sabz", "Khak-e-Jabbar"],
    ),
    "balkh": (
        "بلخ",
        "Balkh Balk",
        "Mazar-e-Sharif",
        ["Mazar", "Mazar-i-Sharif", "Mazar e Sharif", "Balkh district"],
    ),
    "nangarhar": (
        "ننگرهار",
        "Nangarhar Ningarhar Nangrahar",
        "Jalalabad",
        ["Jalal Abad", "Surkhrod", "Behsud"],
    ),
    "herat": ("هرات", "Herat Hirat Harat", "Herat City", ["Injil", "Guzara", "Shindand"]),
    "kandahar": (
        "کندهار",
        "Kandahar Qandahar Kandhar",
        "Kandahar City",
        ["Qandahar", "Spin Boldak", "Daman"],
    ),
    "paktia": ("پکتیا", "Paktia Paktiya Pakthia", "Gardez", ["Gardiz", "Zurmat", "Chamkani"]),
    "kunduz": ("کندز", "Kunduz Kondoz Qunduz", "Kunduz City", ["Imam Sahib", "Khan Abad"]),
    "ghazni": ("غزنی", "Ghazni Ghazny Ghaznee", "Ghazni City", ["Jaghori", "Malistan", "Andar"]),
    "parwan": ("پروان", "Parwan Parvan", "Charikar", ["Bagram", "Jabal Saraj"]),
    "baghlan": (
        "بغلان",
        "Baghlan Baghlaan",
        "Pul-e-Khumri",
        ["Pul-i-Khumri", "Puli Khumri", "Doshi"],
    ),
    "logar": (
        "لوگر",
        "Logar Lowgar Loger",
        "Pul-e-Alam",
        ["Pul-i-Alam", "Mohammad Agha", "Baraki Barak"],
    ),
    "wardak": (
        "وردک",
        "Wardak Maidan Wardak Wardag",
        "Maidan Shahr",
        ["Maidanshahr", "Jalrez", "Sayedabad"],
    ),
    "laghman": ("لغمان", "Laghman Lagman", "Mehtarlam", ["Mihtarlam", "Qarghayi"]),
    "khost": ("خوست", "Khost Khowst Khost", "Khost City", ["Matun", "Sabari"]),
    "helmand": ("هلمند", "Helmand Hilmand", "Lashkar Gah", ["Lashkargah", "Nad Ali", "Gereshk"]),
    "badakhshan": ("بدخشان", "Badakhshan Badakshan", "Faizabad", ["Fayzabad", "Jurm"]),
    "bamyan": ("بامیان", "Bamyan Bamiyan Bamian", "Bamyan City", ["Yakawlang", "Panjab"]),
    "takhar": ("تخار", "Takhar Tahar", "Taloqan", ["Taluqan", "Rustaq"]),
    "jawzjan": ("جوزجان", "Jawzjan Jowzjan Jauzjan", "Sheberghan", ["Shibirghan", "Aqcha"]),
    "faryab": ("فاریاب", "Faryab Fariab", "Maymana", ["Maimana", "Andkhoy"]),
    "kapisa": ("کاپیسا", "Kapisa Kapissa", "Mahmud-i-Raqi", ["Mahmood Raqi", "Tagab"]),
    "panjshir": ("پنجشیر", "Panjshir Panjsher Panjsheer", "Bazarak", ["Rukha", "Anaba"]),
    "kunar": ("کنر", "Kunar Konar", "Asadabad", ["Asad Abad", "Chawkay"]),
    "daykundi": ("دایکندی", "Daykundi Daikundi Daykondi", "Nili", ["Neeli", "Shahristan"]),
    "ghor": ("غور", "Ghor Ghowr", "Chaghcharan", ["Firozkoh", "Feroz Koh"]),
}
# Where people came from, roughly by population (CSO estimates, rounded; assumed beyond the top).
PROVINCE_WEIGHTS = {
    "kabul": 30, "herat": 8, "nangarhar": 7, "balkh": 6, "kandahar": 6, "ghazni": 5, "helmand": 4,
    "kunduz": 4, "paktia": 3, "parwan": 3, "baghlan": 3, "logar": 2, "wardak": 3, "laghman": 2,
    "khost": 3, "badakhshan": 3, "bamyan": 2, "takhar": 3, "jawzjan": 2, "faryab": 3, "kapisa": 2,
    "panjshir": 1, "kunar": 2, "daykundi": 2, "ghor": 2,
}  # fmt: skip

PLACEHOLDERS = [
    "N/A", "NA", "n/a", "-", "--", "none", "None", "nil", "unknown", "Unknown", "not available",
    "pending", "0", "000000", "x", "?", "نامعلوم", "ندارد", "نیست", "TBD", "no",
]  # fmt: skip

SH_MONTHS_DARI = [
    "Hamal",
    "Sawr",
    "Jawza",
    "Saratan",
    "Asad",
    "Sonbola",
    "Mizan",
    "Aqrab",
    "Qaws",
    "Jadi",
    "Dalw",
    "Hut",
]
SH_MONTHS_NATIVE = [
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
    "غبرګولی",
    "چنګاښ",
    "زمری",
    "وږی",
    "تله",
    "لړم",
    "لیندۍ",
    "مرغومی",
    "سلواغه",
    "کب",
]
MONTH_ABBR = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
# How English-typing clerks shorten the subordinate part (Mohammad Zaman -> M. Zaman).
ABBREVIATIONS = {"mohammad": "M.", "ghulam": "Gh.", "sayed": "S.", "noor": "N."}
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# Arabic-keyboard code points for the Persian letters (ی/ي, ک/ك, ه/ة at a word's end).
ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})
QWERTY_NEIGHBOURS = {
    "a": "qsz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo",
    "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "q": "wa", "r": "et",
    "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc", "y": "tu", "z": "x",
}  # fmt: skip


def spellings(text: str) -> list[str]:
    """Spellings written 'A B C' (or 'A B|C D' when a spelling has a space)."""
    return text.split("|") if "|" in text else text.split()


def pick_spelling(rng: random.Random, options: list[str]) -> str:
    """The first spelling is the usual one; the others are rarer in order (assumed Zipf-like)."""
    weights = [1.0 / (i + 1) ** 1.3 for i in range(len(options))]
    weights[0] *= 2
    return rng.choices(options, weights)[0]


# A name part is (kind, key). Each kind knows its native form and its Latin spellings.
def part_native(part: tuple[str, str]) -> str:
    kind, key = part
    if kind == "ullah":
        return ULLAH[key][0] + " الله"
    if kind == "abdul":
        return "عبد" + ABDUL[key][0]
    return TABLES[kind][key][0]


def part_spellings(part: tuple[str, str]) -> list[str]:
    kind, key = part
    if kind == "ullah":
        stems = spellings(ULLAH[key][1])
        return [
            stems[0] + "ullah",
            stems[0] + "ulla",
            stems[-1] + "ullah",
            stems[0] + " Ullah",
            stems[0] + "ollah",
        ]
    if kind == "abdul":
        return abdul_spellings(key)
    return spellings(TABLES[kind][key][1])


def abdul_spellings(key: str) -> list[str]:
    """Abdul Rahman (Pashto standard), Abdorrahman (Dari), Abd al-Rahman (Arabic style)..."""
    attrs = spellings(ABDUL[key][1])
    sun = ABDUL[key][2]
    main = attrs[0]
    forms = [f"Abdul {main}", f"Abdul{main.lower()}", f"Abdul {attrs[-1]}"]
    if sun:
        forms += [f"Abdu{sun} {main}", f"Abdo{sun}{main.lower()}"]
    forms += [
        f"Abdol{main.lower()}",
        f"Abd al-{main}",
        f"Abdel {main}",
        f"Abdul-{main}",
        f"Abd-ul-{main}",
    ]
    return forms


TABLES = {"prefix": PREFIXES, "male": MALE, "female": FEMALE, "family": FAMILY}

# ---------------------------------------------------------------------------
# The population
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class Person:
    person_id: str
    sex: str
    given: list[tuple[str, str]]
    father: list[tuple[str, str]]
    family: str | None
    dob: dt.date
    dob_known: str  # "full", "year" or "age": what the person can tell a clerk
    household: Household
    role: str  # head, spouse, child, parent
    husband: Person | None = None
    spelling: dict[tuple[str, str], str] = field(
        default_factory=dict
    )  # as their passport writes it
    phones: list[str] = field(default_factory=list)
    passports: list[str] = field(default_factory=list)
    paper_tazkira: tuple[int, int, int] | None = None
    e_tazkira: str | None = None
    email: str | None = None
    doc_dob: dt.date | None = None  # the passport's date, often 1 January of a guessed year
    tazkira_sh_year: int | None = None
    us_citizen: bool = False
    title: str | None = None
    passport_surname: str = ""  # what the passport's surname line says; empty is FNU
    nickname: str | None = None  # the name a US unit called an interpreter by


@dataclass(eq=False)
class Household:
    number: int
    kind: str  # siv, ngo_staff, us_tie, at_risk
    origin: str
    lives_in_kabul: bool
    members: list[Person] = field(default_factory=list)
    phone: str = ""
    email: str | None = None
    siv_case: str | None = None
    sponsor_phone: str | None = None
    sponsor_email: str | None = None
    book: tuple[int, int] = (0, 0)


def zipf_choice(rng: random.Random, keys: list[str], s: float = 0.9) -> str:
    return rng.choices(keys, [1.0 / (i + 1) ** s for i in range(len(keys))])[0]


def male_given(rng: random.Random) -> list[tuple[str, str]]:
    """Two-part names (Mohammad Zaman, Abdul Ali, Din Mohammad), -ullah names, single names."""
    shape = rng.random()
    if shape < 0.38:
        prefix = rng.choices(
            ["mohammad", "ghulam", "noor", "sayed", "gul", "mir", "shah", "ahmad"],
            [30, 12, 8, 6, 5, 3, 3, 6],
        )[0]
        proper = zipf_choice(rng, list(MALE), 0.75)
        if proper == prefix:
            proper = "zaman"
        return [("prefix", prefix), ("male", proper)]
    if shape < 0.53:
        return [("ullah", zipf_choice(rng, list(ULLAH)))]
    if shape < 0.68:
        return [("abdul", zipf_choice(rng, list(ABDUL)))]
    if shape < 0.74:
        first = zipf_choice(rng, ["din", "khan", "gul", "noor", "shah"])
        return [("prefix", first), ("prefix", "mohammad")]
    return [("male", zipf_choice(rng, list(MALE), 0.75))]


def female_given(rng: random.Random) -> list[tuple[str, str]]:
    return [("female", zipf_choice(rng, list(FEMALE), 0.5))]


def random_date(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def phone_number(rng: random.Random) -> str:
    """An Afghan mobile, +93 7X XXX XXXX (operators' 70-79 prefixes)."""
    return f"+937{rng.choice('0012345678899')}{rng.randrange(10**7):07d}"


def us_phone(rng: random.Random) -> str:
    area = rng.choice(
        ["703", "571", "202", "617", "916", "510", "214", "832", "206", "619", "713", "301"]
    )
    return (
        f"+1{area}555{rng.randrange(100, 200):04d}"
        if rng.random() < 0.3
        else f"+1{area}{rng.randrange(200, 999)}{rng.randrange(10**4):04d}"
    )


def afghan_passport(rng: random.Random) -> str:
    return (
        rng.choice(["P", "P", "P", "P", "O", "D"]) + f"{rng.randrange(10**7):07d}"
        if rng.random() < 0.6
        else "P" + f"{rng.randrange(10**8):08d}"
    )


def sponsor_email(rng: random.Random) -> str:
    """The address of the relative or veteran in the US who sent the family's case in."""
    first = rng.choice(["j", "m", "k", "sarah", "mike", "dan", "vet", "capt"])
    last = rng.choice(["smith", "jones", "miller", "brown", "davis", "wilson", "clark", "lee"])
    domain = rng.choice(["gmail.com", "yahoo.com", "outlook.com", "aol.com", "icloud.com"])
    return f"{first}{last}{rng.randrange(100)}@{domain}"


def e_tazkira(rng: random.Random) -> str:
    year = rng.choice([1397, 1398, 1398, 1399, 1399, 1400])
    return f"{year}-{rng.randrange(100, 3500):04d}-{rng.randrange(10**5):05d}"


def to_sh(day: dt.date) -> tuple[int, int, int]:
    """Solar Hijri date; Nowruz taken as 21 March (it falls on the 20th or 21st)."""
    nowruz = dt.date(day.year, 3, 21)
    year = day.year - 621 if day >= nowruz else day.year - 622
    start = dt.date(year + 621, 3, 21)
    days = (day - start).days
    for month in range(12):
        length = 31 if month < 6 else 30
        if days < length or month == 11:
            return year, month + 1, days + 1
        days -= length
    raise AssertionError("unreachable")


class World:
    def __init__(self, seed: int, persons: int):
        self.rng = random.Random(seed)
        self.target = persons
        self.people: list[Person] = []
        self.households: list[Household] = []
        self.volume_counter = 0

    def build(self) -> None:
        while len(self.people) < self.target:
            self.add_clan()
        self.people = self.people[: self.target]
        kept = {id(p) for p in self.people}
        for household in self.households:
            household.members = [m for m in household.members if id(m) in kept]
        self.households = [h for h in self.households if h.members]

    def add_clan(self) -> None:
        """One to three brothers' households: cousins share a grandfather, often his name too."""
        rng = self.rng
        grandfather = male_given(rng)
        family = rng.choice(list(FAMILY)) if rng.random() < 0.45 else None
        origin = rng.choices(list(PROVINCE_WEIGHTS), list(PROVINCE_WEIGHTS.values()))[0]
        brothers = rng.choices([1, 2, 3], [70, 22, 8])[0]
        birth = rng.randint(1955, 1996)
        first = None
        for _ in range(brothers):
            head_birth = min(1998, max(1950, birth + rng.randint(-6, 6)))
            hh = self.add_household(grandfather, family, origin, head_birth)
            if first is None:
                first = hh
            elif rng.random() < 0.25:
                hh.phone = first.phone  # brothers' families reached through one phone

    def add_household(self, grandfather, family, origin, head_birth) -> Household:
        rng = self.rng
        kind = rng.choices(["siv", "ngo_staff", "us_tie", "at_risk"], [18, 12, 10, 60])[0]
        hh = Household(
            number=len(self.households) + 1,
            kind=kind,
            origin=origin,
            lives_in_kabul=origin == "kabul" or rng.random() < 0.45,
        )
        self.households.append(hh)
        self.volume_counter += 1
        hh.book = (rng.randint(1, 250), rng.randint(1, 300))
        hh.phone = phone_number(rng)
        if kind == "siv":
            hh.siv_case = f"KBL{rng.randint(2013, 2021)}{rng.randrange(10**6):06d}"
        if kind == "us_tie" or (kind == "siv" and rng.random() < 0.3):
            hh.sponsor_phone = us_phone(rng)
            hh.sponsor_email = sponsor_email(rng)
        head = self.new_person(
            hh, "M", male_given(rng), grandfather, family, random_date(rng, head_birth), "head"
        )
        size = rng.choices(range(0, 10), [6, 8, 12, 14, 15, 14, 11, 9, 6, 5])[0]
        if size >= 1 or rng.random() < 0.5:
            wife_father = male_given(rng)
            wife_family = rng.choice(list(FAMILY)) if rng.random() < 0.4 else None
            wife_birth = head.dob.year + rng.randint(0, 12)
            wife = self.new_person(
                hh,
                "F",
                female_given(rng),
                wife_father,
                wife_family,
                random_date(rng, min(wife_birth, 2001)),
                "spouse",
            )
            wife.husband = head
        self.add_children(hh, head, size, family)
        if rng.random() < 0.05 and head.dob.year > 1965:
            # An elderly widowed mother travels with her son.
            mother = self.new_person(
                hh,
                "F",
                female_given(rng),
                male_given(rng),
                None,
                random_date(rng, head.dob.year - rng.randint(18, 35)),
                "parent",
            )
            mother.dob_known = "age"
        self.assign_documents(hh)
        return hh

    def add_children(self, hh: Household, head: Person, count: int, family: str | None) -> None:
        rng = self.rng
        mother_birth = next(
            (m.dob.year for m in hh.members if m.role == "spouse"), head.dob.year + 5
        )
        year = mother_birth + rng.randint(17, 24)
        names_used: set[tuple] = set()
        for _ in range(count):
            if year > 2021:
                break
            sex = rng.choice("MF")
            given = male_given(rng) if sex == "M" else female_given(rng)
            if sex == "M" and rng.random() < 0.08:
                given = list(head.father)  # named after the grandfather, like a cousin may be
            while tuple(given) in names_used:
                given = male_given(rng) if sex == "M" else female_given(rng)
            names_used.add(tuple(given))
            child = self.new_person(
                hh, sex, given, head.given, family, random_date(rng, year), "child"
            )
            if rng.random() < 0.02:
                # Twins: same day, same father; different names.
                twin_sex = rng.choice("MF")
                twin_given = male_given(rng) if twin_sex == "M" else female_given(rng)
                if tuple(twin_given) not in names_used:
                    names_used.add(tuple(twin_given))
                    twin = self.new_person(
                        hh, twin_sex, twin_given, head.given, family, child.dob, "child"
                    )
                    twin.dob_known = child.dob_known
            year += rng.randint(1, 3)

    def new_person(self, hh, sex, given, father, family, dob, role) -> Person:
        rng = self.rng
        known = rng.choices(["full", "year", "age"], [45, 40, 15])[0]
        if dob.year >= 2005:
            known = rng.choices(["full", "year"], [75, 25])[0]
        person = Person(
            person_id=f"P{len(self.people) + 1:06d}",
            sex=sex,
            given=list(given),
            father=list(father),
            family=family,
            dob=dob,
            dob_known=known,
            household=hh,
            role=role,
        )
        self.people.append(person)
        hh.members.append(person)
        return person

    def assign_documents(self, hh: Household) -> None:
        rng = self.rng
        volume, page = hh.book
        number = rng.randint(100, 9999)
        for person in hh.members:
            age = (LIST_DAY - person.dob).days // 365
            for part in (
                person.given
                + person.father
                + ([("family", person.family)] if person.family else [])
            ):
                person.spelling[part] = pick_spelling(rng, part_spellings(part))
            if (age >= 16 and rng.random() < 0.75) or (hh.kind != "at_risk" and age >= 18):
                person.phones.append(phone_number(rng))
                if rng.random() < 0.12:
                    person.phones.append(phone_number(rng))  # a second SIM
            if person.role == "head" and person.phones:
                hh.phone = person.phones[0]
            # Tazkira: paper for most; children of a family written on the same register page.
            if rng.random() < (0.93 if age >= 18 else 0.6):
                if rng.random() < 0.22 and age >= 14:
                    person.e_tazkira = e_tazkira(rng)
                if person.role == "child" and rng.random() < 0.6:
                    person.paper_tazkira = (volume, page, number)
                    number += rng.randint(1, 3)
                elif person.e_tazkira is None or rng.random() < 0.4:
                    person.paper_tazkira = (
                        rng.randint(1, 400),
                        rng.randint(1, 300),
                        rng.randint(1, 99999),
                    )
            passport_rate = {"siv": 0.85, "ngo_staff": 0.6, "us_tie": 0.7, "at_risk": 0.35}[hh.kind]
            if rng.random() < passport_rate:
                person.passports.append(afghan_passport(rng))
                if rng.random() < 0.1:
                    person.passports.append(afghan_passport(rng))  # renewed in the 2021 rush
            if hh.kind == "us_tie" and person.role == "child" and rng.random() < 0.35:
                person.us_citizen = True
                person.passports.insert(
                    0,
                    f"{rng.randrange(5 * 10**8, 6 * 10**8)}"
                    if rng.random() < 0.7
                    else f"A{rng.randrange(10**8):08d}",
                )
                person.phones.insert(0, us_phone(rng))
            if age >= 18 and rng.random() < (0.55 if hh.kind in ("siv", "ngo_staff") else 0.2):
                person.email = self.email_for(person)
            # A passport for someone who knows only a year says 1 January (or 1 July) of a guess.
            if person.dob_known == "full":
                person.doc_dob = person.dob
            else:
                guess = person.dob.year + rng.choice([0, 0, 0, 0, -1, 1, -2, 2])
                person.doc_dob = dt.date(guess, 7 if rng.random() < 0.1 else 1, 1)
            sh = to_sh(person.dob)[0]
            person.tazkira_sh_year = (
                sh + rng.choice([0, 0, 0, 0, 0, -1, 1]) if person.dob_known != "full" else sh
            )
            if person.sex == "M" and age >= 40 and rng.random() < 0.12:
                person.title = rng.choice(MALE_TITLES)
            elif person.sex == "M" and age >= 22 and rng.random() < 0.04:
                person.title = rng.choice(["Eng.", "Engineer", "Dr."])
            person.passport_surname = self.passport_surname(person)
            if person.role == "head" and hh.kind == "siv" and rng.random() < 0.15:
                person.nickname = rng.choice(NICKNAMES)
        if hh.email is None:
            hh.email = next((m.email for m in hh.members if m.email), None)

    def passport_surname(self, person: Person) -> str:
        """A family name if there is one; else the father's name, the given name again, or none."""
        if person.family:
            return person.spelling[("family", person.family)]
        roll = self.rng.random()
        father = " ".join(person.spelling[p] for p in person.father)
        if roll < 0.4:
            return father
        if roll < 0.5:
            return " ".join(person.spelling[p] for p in person.given)
        if roll < 0.6:
            # A surname made for the passport from the father's name: Zaman -> Zamani, Zamanzada.
            stem = father.split()[-1]
            return stem + ("i" if self.rng.random() < 0.6 else "zada")
        return ""

    def email_for(self, person: Person) -> str:
        rng = self.rng
        given = person.spelling[person.given[-1]].lower().replace(" ", "")
        last = (
            person.spelling[("family", person.family)].lower()
            if person.family
            else person.spelling[person.father[-1]].lower().replace(" ", "")
        )
        user = rng.choice(
            [
                f"{given}.{last}",
                f"{given}{last}",
                f"{given}{person.dob.year}",
                f"{given}_{rng.randrange(100, 999)}",
                f"{given[0]}{last}",
            ]
        )
        return (
            user
            + "@"
            + rng.choices(
                ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "mail.ru"],
                [70, 15, 8, 5, 2],
            )[0]
        )


# ---------------------------------------------------------------------------
# How a clerk writes things down
# ---------------------------------------------------------------------------


class Clerk:
    """Writes one person as a list would: the list's habits at the list's rates."""

    def __init__(self, rng: random.Random, habits: dict):
        self.rng = rng
        self.h = habits
        self.previous: dict[str, str] = {}

    def copied(self, column: str, value: str) -> str:
        """A value dragged down from the row above, as spreadsheets make easy."""
        previous = self.previous.get(column)
        self.previous[column] = value
        if previous is not None and self.chance("copied_from_above"):
            return previous
        return value

    def chance(self, name: str) -> bool:
        return self.rng.random() < self.h.get(name, 0.0)

    # Names ---------------------------------------------------------------
    def spell(self, person: Person, part: tuple[str, str]) -> str:
        if part in person.spelling and self.rng.random() < self.h.get("document_spelling", 0.5):
            return person.spelling[part]
        return pick_spelling(self.rng, part_spellings(part))

    def spell_name(self, person: Person, parts: list[tuple[str, str]]) -> str:
        words = [self.spell(person, part) for part in parts]
        if len(words) == 2 and self.chance("join_parts"):
            return words[0] + words[1].lower()  # Mohammadzaman, Gulahmad
        return " ".join(words)

    def given(self, person: Person) -> str:
        parts = person.given
        if (
            len(parts) == 2
            and parts[0] == ("prefix", "mohammad")
            and self.chance("drop_subordinate")
        ):
            parts = parts[1:]  # "Mohammad Zaman" known at work as Zaman
        if len(parts) == 2 and self.chance("swap_parts"):
            parts = parts[::-1]  # Zaman Mohammad
        name = self.spell_name(person, parts)
        if len(parts) == 2 and parts[0][0] == "prefix" and self.chance("abbreviate_prefix"):
            name = ABBREVIATIONS.get(parts[0][1], name[0]) + " " + name.split(" ", 1)[-1]
        if self.chance("affection_suffix"):
            name += " Jan" if person.sex == "F" or self.rng.random() < 0.5 else " Khan"
        if person.title and self.chance("title"):
            name = f"{person.title} {name}"
        return self.typo(name)

    def father(self, person: Person) -> str:
        if person.husband is not None and self.chance("husband_as_father"):
            return self.typo(self.spell_name(person, person.husband.given))
        name = self.spell_name(person, person.father)
        if person.family and self.chance("father_with_family"):
            name += " " + self.spell(person, ("family", person.family))
        if self.chance("father_title"):
            name = (
                f"{self.rng.choice(['Haji', 'Haji', 'Mullah', 'Mawlawi', 'Sufi', 'Ustad'])} {name}"
            )
        elif self.chance("late_father"):
            name = self.rng.choice(
                [f"{name} (late)", f"Marhoom {name}", f"Late {name}", f"{name} مرحوم"]
            )
        return self.typo(name)

    def family(self, person: Person) -> str:
        if person.passports and self.chance("surname_from_passport"):
            return person.passport_surname or self.rng.choice(["FNU", "LNU", ""])
        family = person.family
        if (
            family is None
            and person.husband is not None
            and person.husband.family
            and self.chance("wife_takes_family")
        ):
            family = person.husband.family
        if family:
            return self.typo(self.spell(person, ("family", family)))
        if self.chance("father_as_surname"):
            return self.typo(
                self.spell_name(person, person.father)
            )  # a form that demands a surname
        if self.chance("fnu_surname"):
            return self.rng.choice(["FNU", "LNU", "-", "N/A", "None", "Unknown"])
        return ""

    def typo(self, text: str) -> str:
        rng = self.rng
        if not text or not self.chance("name_typo"):
            return text
        i = rng.randrange(len(text))
        kind = rng.random()
        if kind < 0.3 and text[i].lower() in QWERTY_NEIGHBOURS:
            return text[:i] + rng.choice(QWERTY_NEIGHBOURS[text[i].lower()]) + text[i + 1 :]
        if kind < 0.55:
            return text[:i] + text[i + 1 :]
        if kind < 0.8 and i + 1 < len(text):
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        return text[:i] + text[i] + text[i:]

    def native_given(self, person: Person) -> str:
        return " ".join(part_native(p) for p in person.given)

    def native_full(self, person: Person) -> str:
        """Dari: X ولد Y / X بنت Y / X دختر Y; Pashto: X د Y زوی / لور."""
        rng = self.rng
        own = self.native_given(person)
        father = " ".join(part_native(p) for p in person.father)
        style = rng.random()
        if style < 0.25:
            text = f"{own} {'ولد' if person.sex == 'M' else rng.choice(['بنت', 'دختر'])} {father}"
        elif style < 0.4:
            text = f"{own} د {father} {'زوی' if person.sex == 'M' else 'لور'}"
        elif style < 0.5:
            text = f"{own} فرزند {father}"
        elif style < 0.75 and person.family:
            text = f"{own} {part_native(('family', person.family))}"
        elif style < 0.9:
            text = f"{own} {father}"
        else:
            text = own
        if rng.random() < 0.25:
            text = (
                text.replace(" الله", "الله")
                if rng.random() < 0.5
                else text.replace(" الله", "\u200cالله")
            )
        if rng.random() < 0.15:
            text = text.translate(ARABIC_LETTERS)  # typed on an Arabic keyboard layout
        if rng.random() < 0.1:
            text = text.replace("عبدال", "عبد ال")
        return text

    def full_name(self, person: Person, style: str) -> str:
        """One Latin name field: with s/o, walad, bint..., family last, or 'SURNAME, Given'."""
        rng = self.rng
        own = self.given(person)
        father = self.spell_name(person, person.father)
        family = self.spell(person, ("family", person.family)) if person.family else ""
        if style == "airline":
            surname = (person.passport_surname or "FNU").upper().replace(" ", "")
            if self.unnamed_wife(person):
                own = ""  # a woman whose name the man at the desk did not give
            return f"{surname}/{own.upper()} {self.airline_title(person)}".replace("  ", " ")
        if self.unnamed_wife(person):
            return rng.choice(["Wife of ", "W/O ", "Mrs. ", "Mrs "]) + self.spell_name(
                person, person.husband.given
            )
        if person.nickname and self.chance("nickname"):
            return rng.choice(
                [
                    f'{own} "{person.nickname}"',
                    f"{person.nickname} ({own})",
                    f"{own} aka {person.nickname}",
                    f"{person.nickname} {own.split()[-1]}",
                ]
            )
        roll = rng.random()
        if roll < 0.3:
            if person.sex == "M":
                marker = rng.choice(["s/o", "S/O", "son of", "walad", "wald", "bin", "zoy", "S/o"])
            elif person.husband is not None and rng.random() < 0.3:
                marker, father = (
                    rng.choice(["w/o", "W/O", "wife of"]),
                    self.spell_name(person, person.husband.given),
                )
            else:
                marker = rng.choice(["d/o", "D/O", "daughter of", "bint", "binti", "d/o."])
            text = f"{own} {marker} {father}"
        elif roll < 0.55 and family:
            text = f"{family.upper()}, {own}" if rng.random() < 0.3 else f"{own} {family}"
        elif roll < 0.75:
            text = f"{own} {father}"  # given name then father's, as Afghans introduce themselves
        elif roll < 0.85 and family:
            text = f"{own} ({family})"
        else:
            text = own
        if rng.random() < 0.15:
            text = text.upper()
        return text

    def unnamed_wife(self, person: Person) -> bool:
        return person.husband is not None and self.chance("unnamed_wife")

    def airline_title(self, person: Person) -> str:
        age = (LIST_DAY - person.dob).days // 365
        if age < 2:
            return "INF"
        if age < 12:
            return "MSTR" if person.sex == "M" else "MISS"
        return "MR" if person.sex == "M" else "MRS"

    def sex(self, person: Person) -> str:
        rng = self.rng
        if self.chance("sex_missing"):
            return ""
        sex = person.sex if rng.random() > 0.008 else ("F" if person.sex == "M" else "M")  # a slip
        forms = self.h.get("sex_forms", ["M/F"])
        form = rng.choice(forms)
        return {
            "M/F": sex,
            "Male/Female": "Male" if sex == "M" else "Female",
            "m/f": sex.lower(),
            "dari": "مرد" if sex == "M" else "زن",
            "pashto": "نارینه" if sex == "M" else "ښځینه",
        }[form]

    # Dates ---------------------------------------------------------------
    def date_of_birth(self, person: Person, source: str) -> str:
        """source: 'self' (what the person says), 'document' (passport), 'tazkira' (SH register)."""
        rng = self.rng
        if self.chance("dob_missing"):
            return self.placeholder() if rng.random() < 0.3 else ""
        if source == "document" and person.passports:
            return self.write_date(person.doc_dob, full=True)
        if self.chance("dob_default_today"):
            # The form's date picker opens on today and was sent untouched.
            return self.write_date(LIST_DAY - dt.timedelta(days=rng.randrange(6)), full=True)
        if person.dob_known != "full" and self.chance("sh_year_converted"):
            # The tazkira's Solar Hijri year turned into a Gregorian one by adding 621 (or 622).
            return self.write_year(person.tazkira_sh_year + rng.choice([621, 621, 622]))
        if source == "tazkira" or self.chance("sh_date"):
            return self.write_sh(person)
        if person.dob_known == "full":
            return self.write_date(person.dob, full=True)
        if person.dob_known == "age":
            age = (LIST_DAY - person.dob).days // 365 + rng.choice(
                [0, 0, 0, -1, 1, 1, 2, -2, 5, -5]
            )
            if self.chance("raw_age"):
                return rng.choice(
                    [f"{age}", f"{age} years", f"{age} yrs", f"Age {age}", f"{age} ساله"]
                )
            return self.write_year(LIST_DAY.year - age)
        return self.write_year(person.dob.year)

    def write_year(self, year: int) -> str:
        rng = self.rng
        style = self.h["date_style"]
        roll = rng.random()
        if roll < 0.45:
            return self.write_date(dt.date(year, 1, 1), full=True)  # the 1 January default
        if roll < 0.65:
            return {
                "dmy": f"00/00/{year}",
                "mdy": f"00/00/{year}",
                "iso": f"{year}-00-00",
                "mon": f"XX-XXX-{year}",
            }[style]
        if roll < 0.7:
            return f"~{year}" if rng.random() < 0.5 else f"{year}?"
        return str(year)

    def write_date(self, day: dt.date, full: bool) -> str:
        rng = self.rng
        style = self.h["date_style"]
        if self.chance("day_month_swapped") and day.day <= 12:
            style = {"dmy": "mdy", "mdy": "dmy"}.get(style, style)
        if self.chance("excel_serial"):
            return str((day - dt.date(1899, 12, 30)).days)  # a date column exported as a number
        year = f"{day.year % 100:02d}" if self.chance("two_digit_year") else str(day.year)
        sep = rng.choice(self.h.get("date_seps", ["/"]))
        pad = rng.random() < 0.8
        d = f"{day.day:02d}" if pad else str(day.day)
        m = f"{day.month:02d}" if pad else str(day.month)
        if style == "dmy":
            return f"{d}{sep}{m}{sep}{year}"
        if style == "mdy":
            return f"{m}{sep}{d}{sep}{year}"
        if style == "iso":
            return f"{day.year}-{day.month:02d}-{day.day:02d}" + (
                " 00:00:00" if self.chance("iso_time") else ""
            )
        abbr = MONTH_ABBR[day.month - 1]
        return rng.choice(
            [
                f"{day.day:02d}{abbr}{year[-2:]}",
                f"{day.day:02d}-{abbr}-{day.year}",
                f"{day.day} {abbr.title()} {day.year}",
                f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}",
            ]
        )

    def write_sh(self, person: Person) -> str:
        rng = self.rng
        if person.dob_known == "full":
            y, m, d = to_sh(person.dob)
        else:
            y, m, d = person.tazkira_sh_year, 0, 0
        digits = rng.random()
        if m == 0:
            text = rng.choice(
                [f"{y}", f"{y}/00/00", f"{y} SH", f"SH {y}", f"{y} ش", f"{y} هـ ش", f"سال {y}"]
            )
        else:
            sep = rng.choice(["/", "/", "-", "."])
            body = f"{y}{sep}{m:02d}{sep}{d:02d}" if rng.random() < 0.7 else f"{y}{sep}{m}{sep}{d}"
            roll = rng.random()
            if roll < 0.3:
                text = body
            elif roll < 0.5:
                text = rng.choice(
                    [
                        f"SH {body}",
                        f"{body} SH",
                        f"{body} HS",
                        f"{body} AP",
                        f"{body} (hijri shamsi)",
                        f"{body} ش",
                        f"{body} هـ ش",
                    ]
                )
            elif roll < 0.6:
                text = f"{d:02d}/{m:02d}/{y}"  # day first, as the Gregorian dates around it
            elif roll < 0.8:
                text = f"{d} {SH_MONTHS_DARI[m - 1]} {y}"
            elif roll < 0.92:
                text = f"{d} {SH_MONTHS_NATIVE[m - 1]} {y}"
            else:
                text = f"{d} {SH_MONTHS_PASHTO[m - 1]} {y}"
        if digits < 0.3:
            text = text.translate(PERSIAN_DIGITS)
        elif digits < 0.35:
            text = text.translate(ARABIC_DIGITS)
        return text

    # Numbers -------------------------------------------------------------
    def digits_typo(self, text: str) -> str:
        rng = self.rng
        positions = [i for i, c in enumerate(text) if c.isdigit()]
        if not positions or not self.chance("number_typo"):
            return text
        i = rng.choice(positions)
        roll = rng.random()
        if roll < 0.5:
            return text[:i] + str(rng.randrange(10)) + text[i + 1 :]
        if roll < 0.8 and i + 1 < len(text) and text[i + 1].isdigit():
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        return text[:i] + text[i + 1 :]

    def phone(self, person: Person, household_first: float) -> str:
        rng = self.rng
        hh = person.household
        if self.chance("phone_missing"):
            return self.placeholder() if rng.random() < 0.4 else ""
        if self.h.get("sponsor_phone") and hh.sponsor_phone and rng.random() < 0.8:
            number = hh.sponsor_phone
        elif not person.phones or rng.random() < household_first:
            number = hh.phone  # the family's one phone, usually the father's
        else:
            number = rng.choice(person.phones)
        text = self.write_phone(number)
        if len(person.phones) > 1 and self.chance("two_phones"):
            text += rng.choice([" / ", ", ", " ; ", "\n"]) + self.write_phone(person.phones[1])
        return self.digits_typo(text)

    def write_phone(self, e164: str) -> str:
        rng = self.rng
        if e164.startswith("+1"):
            a, b, c = e164[2:5], e164[5:8], e164[8:]
            return rng.choice(
                [
                    f"({a}) {b}-{c}",
                    f"{a}.{b}.{c}",
                    f"{a}-{b}-{c}",
                    f"+1 {a} {b} {c}",
                    f"1{a}{b}{c}",
                    f"+1 ({a}) {b}-{c}",
                    f"{a}{b}{c}",
                ]
            )
        national = e164[3:]  # 7XXXXXXXX
        a, b, c = national[:2], national[2:5], national[5:]
        roll = rng.random()
        forms = [
            f"0{national}",
            f"0{a} {b} {c}",
            f"+93 {a} {b} {c}",
            f"+93{national}",
            f"0093{national}",
            f"93{national}",
            national,
            f"+93 (0){national}",
            f"0{a}-{b}-{c}",
            f"+93-{national}",
        ]
        text = rng.choices(
            forms, self.h.get("phone_weights", [30, 10, 12, 12, 6, 10, 10, 3, 4, 3])
        )[0]
        if roll < self.h.get("phone_excel", 0.0):
            text = f"{float('93' + national):.5E}".replace("E+", "E+")  # Excel's 9.37991E+10
            text = text.replace("0E+", "E+")
        elif roll < self.h.get("phone_native_digits", 0.0) + self.h.get("phone_excel", 0.0):
            text = text.translate(PERSIAN_DIGITS if rng.random() < 0.8 else ARABIC_DIGITS)
        if self.chance("whatsapp_note"):
            text = rng.choice([f"{text} (WhatsApp)", f"WA: {text}", f"{text} whatsapp"])
        return text

    def tazkira(self, person: Person) -> str:
        rng = self.rng
        if self.chance("tazkira_missing"):
            return self.placeholder() if rng.random() < 0.5 else ""
        if person.e_tazkira and (person.paper_tazkira is None or rng.random() < 0.6):
            text = self.write_e_tazkira(person.e_tazkira)
        elif person.paper_tazkira:
            text = self.write_paper_tazkira(*person.paper_tazkira)
        else:
            return self.placeholder() if rng.random() < 0.3 else ""
        return self.digits_typo(text)

    def write_e_tazkira(self, number: str) -> str:
        rng = self.rng
        plain = number.replace("-", "")
        return rng.choices(
            [
                number,
                plain,
                number.replace("-", " "),
                number.translate(PERSIAN_DIGITS),
                f"{float(plain):.6E}".replace("E+", "E+"),
                f"e-tazkira {number}",
            ],
            [40, 30, 10, 10, 5, 5],
        )[0]

    def write_paper_tazkira(self, volume: int, page: int, number: int) -> str:
        rng = self.rng
        fa = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
        v, p, n = str(volume), str(page), str(number)
        forms = [
            (f"ج {v} ص {p} ث {n}".translate(fa), 8),
            (f"جلد {v} صفحه {p} ثبت {n}".translate(fa), 6),
            (f"جلد {v} صفحه {p} شماره ثبت {n}", 3),
            (f"Jild {v} Safha {p} Sabt {n}", 6),
            (f"Jild {v} Safha {p} No {n}", 3),
            (f"Vol {v}, Page {p}, Reg {n}", 7),
            (f"Vol. {v} / Pg. {p} / No. {n}", 3),
            (f"{v}/{p}/{n}", 15),
            (f"{v}-{p}-{n}", 5),
            (f"J{v}-P{p}-{n}", 5),
            (f"V{v} P{p} N{n}", 2),
            (f"{n}/{p}/{v}", 2),  # register number first, then page and volume (assumed habit)
            (n, 18),  # only the registration number
            (f"Tazkira No. {n}", 3),
            (f"{v}/{p}/{n}".translate(fa), 4),
        ]
        return rng.choices([f for f, _ in forms], [w for _, w in forms])[0]

    def passport(self, person: Person) -> str:
        rng = self.rng
        if not person.passports:
            if self.chance("passport_placeholder"):
                return self.placeholder()
            if person.e_tazkira and self.chance("tazkira_in_passport"):
                return person.e_tazkira  # the only ID they have, typed into the passport column
            return ""
        number = (
            person.passports[-1]
            if len(person.passports) > 1 and rng.random() < 0.5
            else person.passports[0]
        )
        roll = rng.random()
        if roll < 0.08:
            number = number.lower()
        elif roll < 0.12 and number[0].isalpha():
            number = number[1:]  # letter dropped
        elif roll < 0.16 and len(number) > 2 and number[1] == "0":
            number = number[0] + "O" + number[2:]  # zero read as the letter O
        elif roll < 0.2:
            number = number[:1] + " " + number[1:]
        return self.digits_typo(number)

    def siv_case(self, person: Person) -> str:
        rng = self.rng
        case = person.household.siv_case
        if not case:
            return ""
        if self.chance("siv_missing"):
            return self.placeholder() if rng.random() < 0.3 else ""
        year, seq = case[3:7], case[7:]
        text = rng.choices(
            [
                case,
                f"KBL-{year}-{seq}",
                case.lower(),
                f"{year}{seq}",
                f"KBL {year}{seq}",
                f"Case# {case}",
                f"KBL{year}-{seq}",
            ],
            [50, 10, 5, 12, 8, 5, 10],
        )[0]
        return self.digits_typo(text)

    def province(self, person: Person) -> str:
        rng = self.rng
        hh = person.household
        if self.chance("province_missing"):
            return ""
        key = (
            "kabul"
            if hh.lives_in_kabul and rng.random() < self.h.get("current_residence", 0.5)
            else hh.origin
        )
        native, latin, capital, towns = PROVINCES[key]
        roll = rng.random()
        if roll < 0.45:
            text = pick_spelling(rng, latin.split())
        elif roll < 0.65:
            text = capital
        elif roll < 0.75:
            text = rng.choice(towns)
        elif roll < 0.85:
            text = native
        elif roll < 0.92:
            text = f"{capital}, {latin.split()[0]}"
        else:
            text = f"{latin.split()[0]}, Afghanistan"
        if rng.random() < 0.1:
            text = text.lower() if rng.random() < 0.5 else text.upper()
        return text

    def email(self, person: Person, household_first: float) -> str:
        rng = self.rng
        hh = person.household
        if self.h.get("sponsor_email") and hh.sponsor_email and rng.random() < 0.8:
            address = hh.sponsor_email
        elif person.email and rng.random() > household_first:
            address = person.email
        elif hh.email:
            address = hh.email
        else:
            return self.placeholder() if self.chance("email_placeholder") else ""
        roll = rng.random()
        if roll < 0.05:
            address = address.upper()
        elif roll < 0.08:
            address = address.replace(".com", ".con")
        elif roll < 0.1:
            address = " " + address + " "
        return address

    def placeholder(self) -> str:
        return self.rng.choice(PLACEHOLDERS)

    def spaces(self, text: str) -> str:
        """Stray double and trailing spaces, common in hand-typed sheets."""
        if text and self.chance("stray_spaces"):
            return text.replace(" ", "  ", 1) + " "
        return text


# ---------------------------------------------------------------------------
# The lists
# ---------------------------------------------------------------------------

BASE_HABITS = {
    "document_spelling": 0.5,
    "name_typo": 0.03,
    "number_typo": 0.03,
    "drop_subordinate": 0.06,
    "title": 0.3,
    "join_parts": 0.02,
    "dob_missing": 0.03,
    "day_month_swapped": 0.04,
    "two_digit_year": 0.02,
    "phone_missing": 0.1,
    "two_phones": 0.05,
    "tazkira_missing": 0.08,
    "province_missing": 0.08,
    "stray_spaces": 0.05,
    "passport_placeholder": 0.2,
}

LISTS = {
    # An NGO's staff and dependants sheet: three name fields, day-first or Solar Hijri dates.
    "ngo_staff": {
        "fields": [
            "given_name",
            "father_name",
            "family_name",
            "sex",
            "date_of_birth",
            "phone",
            "tazkira_number",
            "province",
            "email",
            "passport_number",
        ],
        "date_style": "dmy",
        "date_seps": ["/", "/", "-", "."],
        "dob_source": "self",
        "sh_date": 0.25,
        "sex_forms": ["M/F", "Male/Female"],
        "husband_as_father": 0.1,
        "fnu_surname": 0.05,
        "father_as_surname": 0.05,
        "phone_excel": 0.04,
        "phone_native_digits": 0.02,
        "excel_serial": 0.02,
        "current_residence": 0.7,
        "household_phone": 0.5,
        "family_in_given": 0.04,
        "father_in_given": 0.03,
        "swap_given_family": 0.02,
        "copied_from_above": 0.01,
        "father_title": 0.06,
        "late_father": 0.02,
        "sh_year_converted": 0.1,
        "abbreviate_prefix": 0.03,
        "father_with_family": 0.05,
    },
    # SIV applicants as a case tracker holds them: surname/given from the passport, US date order.
    "siv_applicants": {
        "fields": [
            "given_name",
            "family_name",
            "sex",
            "date_of_birth",
            "phone",
            "passport_number",
            "email",
            "siv_case_number",
        ],
        "date_style": "mdy",
        "dob_source": "document",
        "document_spelling": 0.85,
        "upper_case": 0.5,
        "sex_forms": ["M/F"],
        "fnu_surname": 0.35,
        "father_as_surname": 0.25,
        "fnu_given": 0.08,
        "wife_takes_family": 0.5,
        "two_digit_year": 0.03,
        "household_phone": 0.4,
        "siv_missing": 0.05,
        "passport_placeholder": 0.3,
        "tazkira_in_passport": 0.05,
        "surname_from_passport": 0.8,
    },
    # A congressional office's casework export: constituents' relatives, the sponsor's US contacts.
    "congressional": {
        "fields": [
            "full_name",
            "date_of_birth",
            "phone",
            "passport_number",
            "email",
            "siv_case_number",
            "province",
        ],
        "date_style": "mdy",
        "dob_source": "self",
        "sponsor_phone": True,
        "sponsor_email": True,
        "province_missing": 0.6,
        "siv_missing": 0.5,
        "household_phone": 0.7,
        "name_typo": 0.05,
        "unnamed_wife": 0.04,
        "nickname": 0.1,
        "abbreviate_prefix": 0.02,
    },
    # A KoboToolbox self-registration form in Dari/Pashto/English: everything, typed on phones.
    "kobo_form": {
        "fields": [
            "given_name",
            "father_name",
            "family_name",
            "full_name_native",
            "sex",
            "date_of_birth",
            "phone",
            "tazkira_number",
            "province",
            "email",
            "passport_number",
        ],
        "date_style": "iso",
        "dob_source": "self",
        "sh_date": 0.3,
        "raw_age": 0.1,
        "iso_time": 0.1,
        "sex_forms": ["M/F", "dari", "pashto", "Male/Female"],
        "lower_case": 0.15,
        "native_in_latin_field": 0.08,
        "phone_native_digits": 0.15,
        "whatsapp_note": 0.03,
        "household_phone": 0.6,
        "husband_as_father": 0.15,
        "current_residence": 0.8,
        "email_placeholder": 0.05,
        "native_missing": 0.3,
        "family_in_given": 0.05,
        "father_in_given": 0.04,
        "name_typo": 0.05,
        "dob_missing": 0.05,
        "dob_default_today": 0.015,
        "swap_parts": 0.02,
        "affection_suffix": 0.03,
        "father_title": 0.08,
        "late_father": 0.03,
        "father_with_family": 0.05,
    },
    # A relocation flight manifest: airline-style SURNAME/GIVEN MR, passport dates, no contacts.
    "flight_manifest": {
        "fields": ["full_name", "sex", "date_of_birth", "passport_number"],
        "date_style": "mon",
        "dob_source": "document",
        "document_spelling": 0.9,
        "sex_forms": ["M/F"],
        "name_style": "airline",
        "dob_missing": 0.05,
        "passport_placeholder": 0.15,
        "unnamed_wife": 0.03,
    },
    # A UN agency's protection referral list: three name fields, native name, ages as years.
    "un_referral": {
        "fields": [
            "given_name",
            "father_name",
            "family_name",
            "full_name_native",
            "sex",
            "date_of_birth",
            "phone",
            "province",
            "tazkira_number",
        ],
        "date_style": "dmy",
        "dob_source": "self",
        "sex_forms": ["M/F", "m/f"],
        "husband_as_father": 0.05,
        "household_phone": 0.7,
        "current_residence": 0.3,
        "native_missing": 0.1,
        "fnu_surname": 0.02,
        "sh_year_converted": 0.15,
        "copied_from_above": 0.01,
        "father_title": 0.05,
        "late_father": 0.02,
        "unnamed_wife": 0.02,
        "father_with_family": 0.05,
    },
    # A veterans' volunteer sheet: one name cell with s/o, WhatsApp numbers, SIV case in any form.
    "veterans_sheet": {
        "fields": [
            "full_name",
            "phone",
            "email",
            "siv_case_number",
            "province",
            "date_of_birth",
            "passport_number",
        ],
        "date_style": "mdy",
        "dob_source": "self",
        "whatsapp_note": 0.15,
        "household_phone": 0.5,
        "dob_missing": 0.35,
        "phone_native_digits": 0.02,
        "name_typo": 0.05,
        "number_typo": 0.05,
        "nickname": 0.5,
        "affection_suffix": 0.02,
        "swap_parts": 0.01,
        "unnamed_wife": 0.04,
        "abbreviate_prefix": 0.03,
    },
}

# How likely a household of each kind is on each list, and how likely each member is then written.
LIST_REACH = {
    "siv": {
        "siv_applicants": 0.85, "veterans_sheet": 0.45, "congressional": 0.2, "kobo_form": 0.45,
        "flight_manifest": 0.5, "ngo_staff": 0.08, "un_referral": 0.05,
    },
    "ngo_staff": {
        "ngo_staff": 0.95, "kobo_form": 0.45, "un_referral": 0.2, "flight_manifest": 0.35,
        "congressional": 0.05,
    },
    "us_tie": {
        "congressional": 0.85, "flight_manifest": 0.55, "kobo_form": 0.3, "veterans_sheet": 0.05,
    },
    "at_risk": {
        "kobo_form": 0.6, "un_referral": 0.3, "veterans_sheet": 0.08, "ngo_staff": 0.04,
        "flight_manifest": 0.2, "congressional": 0.04,
    },
}  # fmt: skip
MEMBER_REACH = {"head": 0.97, "spouse": 0.85, "child": 0.8, "parent": 0.7}
RESUBMITTED = {
    "kobo_form": 0.12,
    "veterans_sheet": 0.06,
    "congressional": 0.08,
    "ngo_staff": 0.02,
    "un_referral": 0.02,
}


def write_record(clerk: Clerk, person: Person, spec: dict) -> dict[str, str]:
    rng = clerk.rng
    fields = spec["fields"]
    row = {column: "" for column in COLUMNS}
    if "given_name" in fields:
        row.update(three_name_fields(clerk, person, spec))
    if "full_name" in fields:
        row["full_name"] = clerk.spaces(clerk.full_name(person, spec.get("name_style", "free")))
        if (
            spec.get("name_style") == "airline"
            and (LIST_DAY - person.dob).days < 365
            and rng.random() < 0.3
        ):
            row["full_name"] = (
                rng.choice(["INFANT", "BABY", "INF"]) + " " + row["full_name"].split("/")[0]
            )
    if "full_name_native" in fields and not clerk.chance("native_missing"):
        row["full_name_native"] = clerk.native_full(person)
    if "sex" in fields:
        row["sex"] = clerk.sex(person)
    if "date_of_birth" in fields:
        row["date_of_birth"] = clerk.date_of_birth(person, spec["dob_source"])
    household_first = spec.get("household_phone", 0.5)
    if "phone" in fields:
        row["phone"] = clerk.copied("phone", clerk.phone(person, household_first))
    if "passport_number" in fields:
        row["passport_number"] = clerk.passport(person)
    if "tazkira_number" in fields:
        row["tazkira_number"] = clerk.copied("tazkira", clerk.tazkira(person))
    if "province" in fields:
        row["province"] = clerk.province(person)
    if "email" in fields:
        row["email"] = clerk.email(person, household_first)
    if "siv_case_number" in fields:
        row["siv_case_number"] = clerk.siv_case(person)
    return row


def three_name_fields(clerk: Clerk, person: Person, spec: dict) -> dict[str, str]:
    """Given, father and family columns, with the columns' real confusions."""
    fields = spec["fields"]
    given = clerk.given(person)
    if clerk.unnamed_wife(person):
        given = "W/O " + clerk.spell_name(person, person.husband.given)
    father = clerk.father(person) if "father_name" in fields else ""
    family = clerk.family(person)
    if "father_name" not in fields and not person.family and clerk.chance("fnu_given"):
        given, family = (
            "FNU",
            given,
        )  # a one-name person in a US system: the name goes to the surname
    if family and family not in ("FNU", "LNU") and clerk.chance("family_in_given"):
        given, family = f"{given} {family}", ""
    if father and clerk.chance("father_in_given"):
        given, father = f"{given} {father}", ""
    if clerk.chance("swap_given_family") and family:
        given, family = family, given
    if clerk.chance("native_in_latin_field"):
        given = clerk.native_given(person)
        father = " ".join(part_native(p) for p in person.father) if father else ""
        family = part_native(("family", person.family)) if person.family and family else family
    row = {"given_name": given, "father_name": father, "family_name": family}
    if clerk.chance("upper_case"):
        row = {k: v.upper() for k, v in row.items()}
    elif clerk.chance("lower_case"):
        row = {k: v.lower() for k, v in row.items()}
    return {k: clerk.spaces(v) for k, v in row.items()}


def write_lists(
    world: World, rng: random.Random
) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    rows_by_list: dict[str, list[tuple[dict[str, str], str]]] = {name: [] for name in LISTS}
    clerks = {name: Clerk(rng, BASE_HABITS | spec) for name, spec in LISTS.items()}
    for hh in world.households:
        chosen = [name for name, p in LIST_REACH[hh.kind].items() if rng.random() < p]
        if not chosen:
            chosen = [rng.choice(list(LIST_REACH[hh.kind]))]
        listed: dict[str, list[Person]] = {
            name: [m for m in hh.members if rng.random() < MEMBER_REACH[m.role]] for name in chosen
        }
        for person in hh.members:
            # Everyone generated is on some list: a person no list names is not in the world.
            if not any(person in members for members in listed.values()):
                listed[rng.choice(chosen)].append(person)
        for name, members in listed.items():
            for person in members:
                times = 2 if rng.random() < RESUBMITTED.get(name, 0.0) else 1
                for _ in range(times):
                    row = write_record(clerks[name], person, LISTS[name])
                    rows_by_list[name].append((row, person.person_id))
    records, truth = [], []
    for name, rows in rows_by_list.items():
        rng.shuffle(rows)
        for number, (row, person_id) in enumerate(rows, start=1):
            row["record_id"] = f"{name}-{number:06d}"
            records.append(row)
            truth.append((row["record_id"], person_id))
    return records, truth


def generate(persons: int, seed: int, out: Path) -> dict[str, int]:
    world = World(seed, persons)
    world.build()
    records, truth = write_lists(world, world.rng)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "records.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(records)
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "person_id"])
        writer.writerows(truth)
    counts: dict[str, int] = {}
    for record_id, _ in truth:
        counts[record_id.rsplit("-", 1)[0]] = counts.get(record_id.rsplit("-", 1)[0], 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    counts = generate(args.persons, args.seed, args.out)
    print(f"{sum(counts.values())} records of {args.persons} persons in {args.out}")
    for name, count in counts.items():
        print(f"  {name}: {count}")


if __name__ == "__main__":
    main()
