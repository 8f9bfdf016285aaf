"""Afghan personal names: native script, frequencies, and the Latin spellings writers produce.

Each name part is written in Arabic script (Dari/Pashto) and romanised the way each standard
does it (see docs/scenario.md for the sources):

- ODNI Dari (2004/2015): no long/short vowel distinction, short vowels e/o (Mohammad, Hosein),
  long u as u (Mahmud), Abd-ol names joined with assimilation of sun letters (Abdorrahman,
  Abdolghafur), -ollah (Zabihollah), -oddin (Shamsoddin).
- ODNI Pashto (2011): i/u vowels (Muhammad, Husain), Abd-ul apart (Abdul Rahman), -ullah as one
  word (Zabihullah), -uddin with assimilation (Jamaluddin).
- BGN/PCGN: close to the Pashto forms for Afghanistan (u/i, Abdul Rahman, Mohammad with o).
- ICAO 9303 (passports): the passport office's spelling upper-cased, no diacritics; in the
  machine-readable zone spaces and hyphens become '<'.
- Arabic-style writers: Abd al-Rahman, Abdel Rahman, Abdulrahman, Shams al-Din, Mohammed.
- Informal writers (forms, NGOs, English press): doubled vowels (Mahmood, Rasool, Fareed),
  dropped h (Zabiullah), joined or split compounds, Mohd and Md for Mohammad.

Weights are relative frequencies among Afghan adults (Mohammad as a first element by far the
most common; Ahmad, Abdul and Ghulam next), after the structure described by K. Megerdoomian,
"The Structure of Afghan Names" (MITRE, 2009).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NamePart:
    """One name element: native script and its romanisations by standard."""

    native: str
    dari: str  # ODNI Dari 2004/2015
    pashto: str  # ODNI Pashto 2011 (BGN/PCGN agrees on most Afghan names)
    weight: float = 1.0
    informal: tuple[str, ...] = field(default=())  # other spellings real writers use

    def spellings(self) -> tuple[str, ...]:
        seen = dict.fromkeys((self.dari, self.pashto, *self.informal))
        return tuple(seen)


def _parts(rows: str) -> list[NamePart]:
    """Rows of `native | dari | pashto | weight | informal,informal`."""
    parts = []
    for line in rows.strip().splitlines():
        native, dari, pashto, weight, informal = (c.strip() for c in line.split("|"))
        variants = tuple(v.strip() for v in informal.split(",") if v.strip())
        parts.append(NamePart(native, dari, pashto, float(weight), variants))
    return parts


# Simple male given names.
MALE_NAMES = _parts("""
احمد | Ahmad | Ahmad | 40 | Ahmed,Ahmid
محمود | Mahmud | Mahmud | 12 | Mahmood,Mahmoud
حامد | Hamed | Hamid | 10 | Hameed,Hamid
حمید | Hamid | Hamid | 10 | Hameed
حسن | Hasan | Hasan | 10 | Hassan
حسین | Hosein | Husain | 10 | Hussain,Hussein,Hossein,Husayn
علی | Ali | Ali | 14 | Aly
رحیم | Rahim | Rahim | 8 | Raheem
کریم | Karim | Karim | 8 | Kareem
نبی | Nabi | Nabi | 7 | Nabee
ظاهر | Zaher | Zahir | 7 | Zahir,Zaheer
نصیر | Nasir | Nasir | 7 | Naseer,Nasser
بشیر | Bashir | Bashir | 6 | Basheer
نجیب | Najib | Najib | 6 | Najeeb
فرید | Farid | Farid | 6 | Fareed
جاوید | Jawid | Jawid | 6 | Javed,Javid,Jawed
سهیل | Sohail | Suhail | 5 | Suhail,Sohel
ولی | Wali | Wali | 5 | Vali,Walli
اکبر | Akbar | Akbar | 5 | Akber
یوسف | Yusof | Yusuf | 6 | Yousuf,Yousef,Yosuf
اسماعیل | Esmail | Ismail | 5 | Ismael,Esmaeil,Ismaeel
ابراهیم | Ebrahim | Ibrahim | 5 | Ibraheem,Ebraheem
عمر | Omar | Umar | 5 | Omer
عثمان | Osman | Usman | 4 | Usman,Osmaan
شفیق | Shafiq | Shafiq | 4 | Shafeeq,Shafik
رفیع | Rafi | Rafi | 4 | Rafie,Rafee
زمان | Zaman | Zaman | 4 | Zamaan
هاشم | Hashem | Hashim | 4 | Hashim
قادر | Qader | Qadir | 4 | Qadir,Kadir
صادق | Sadeq | Sadiq | 4 | Sadiq,Sadeq,Sadik
عارف | Aref | Arif | 4 | Arif,Aref
ناصر | Naser | Nasir | 4 | Nasser,Nasir
شریف | Sharif | Sharif | 4 | Shareef
لطیف | Latif | Latif | 3 | Lateef
مجید | Majid | Majid | 3 | Majeed
وحید | Wahid | Wahid | 4 | Waheed,Vahid
سعید | Saeed | Saeed | 4 | Said,Sayeed
خلیل | Khalil | Khalil | 3 | Khaleel
جمیل | Jamil | Jamil | 3 | Jameel
ادریس | Edris | Idris | 3 | Idrees,Idris
یونس | Yunos | Yunus | 3 | Younus,Younis,Yunis
موسی | Musa | Musa | 3 | Moosa,Mousa
عیسی | Eisa | Isa | 2 | Essa,Isa
داوود | Dawud | Dawud | 4 | Dawood,Daud,Dawoud
شاه | Shah | Shah | 2 | Sha
شیر | Sher | Sher | 3 | Shir,Sheer
فیروز | Firoz | Feroz | 2 | Feroz,Firooz,Firuz
بهادر | Bahador | Bahadur | 2 | Bahadur
شیرزاد | Shirzad | Sherzad | 2 | Sherzad,Shirzaad
رضا | Reza | Raza | 3 | Raza,Rida
مهدی | Mahdi | Mahdi | 3 | Mehdi
مصطفی | Mostafa | Mustafa | 3 | Mustafa,Mostafah
مرتضی | Morteza | Murtaza | 2 | Murtaza,Mortaza
عزیز | Aziz | Aziz | 5 | Azeez
نذیر | Nazir | Nazir | 3 | Nazeer
منیر | Monir | Munir | 2 | Muneer,Munir
ضیا | Zia | Zia | 3 | Ziya,Zya
فواد | Fawad | Fawad | 3 | Fuad,Fawaad
طارق | Tareq | Tariq | 3 | Tariq,Tarek
خالد | Khaled | Khalid | 3 | Khalid
جلال | Jalal | Jalal | 2 | Jalaal
نعمت | Nemat | Nimat | 2 | Naimat,Nemat
حکمت | Hekmat | Hikmat | 2 | Hikmat
عصمت | Esmat | Ismat | 2 | Ismat
رحمان | Rahman | Rahman | 3 | Rehman,Rahmaan
شکور | Shakur | Shakur | 2 | Shakoor
غفور | Ghafur | Ghafur | 2 | Ghafoor
صبور | Sabur | Sabur | 2 | Saboor
منصور | Mansur | Mansur | 2 | Mansoor,Mansour
انور | Anwar | Anwar | 3 | Anvar,Anwer
جعفر | Jafar | Jafar | 2 | Jaafar,Jafer
امین | Amin | Amin | 4 | Ameen
نور | Nur | Nur | 3 | Noor,Noer
آغا | Agha | Agha | 2 | Aga,Aqa
""")

# First elements of two-part male names (Megerdoomian's "subordinate" part) and their share.
MOHAMMAD = NamePart(
    "محمد",
    "Mohammad",
    "Muhammad",
    1.0,
    ("Mohammed", "Muhammed", "Mohamad", "Mohamed", "Mohammd", "Mohd", "Md", "M."),
)
FIRST_ELEMENTS = _parts("""
غلام | Gholam | Ghulam | 10 | Golam,Gulam,Ghullam
گل | Gol | Gul | 6 | Gol,Gull
نور | Nur | Nur | 5 | Noor
سید | Sayed | Sayyid | 5 | Sayed,Syed,Said,Sayyed
میر | Mir | Mir | 3 | Meer
حاجی | Haji | Haji | 1 | Hajji,Haaji
""")
# Second elements that follow another part (Din Mohammad, Gul Mohammad, Sher Khan).
TRAILING_ELEMENTS = _parts("""
محمد | Mohammad | Muhammad | 10 | Mohammed,Mohamad,Muhammed
خان | Khan | Khan | 4 | Kan
جان | Jan | Jan | 3 | Jaan,Jon
گل | Gol | Gul | 3 | Gul,Gull
""")
LEADING_FOR_TRAILING = _parts("""
دین | Din | Din | 5 | Deen
گل | Gol | Gul | 5 | Gul
فیض | Feiz | Faiz | 4 | Faiz,Fayz,Feyz
دوست | Dost | Dost | 4 | Dust,Doost
شیر | Sher | Sher | 4 | Shir
خان | Khan | Khan | 3 | Kan
ولی | Wali | Wali | 3 | Vali
نور | Nur | Nur | 4 | Noor
امیر | Amir | Amir | 2 | Ameer
""")

# Abd- names: root in script (without al-), romanised root, and whether its first letter is a
# sun letter (the l of al- assimilates: Abdorrahman, Abdussalam).
ABD_ROOTS = [
    ("رحمن", "Rahman", "Rahman", True, 10),
    ("رحیم", "Rahim", "Rahim", True, 6),
    ("غفار", "Ghafar", "Ghafar", False, 5),
    ("غفور", "Ghafur", "Ghafur", False, 4),
    ("قادر", "Qader", "Qadir", False, 6),
    ("قیوم", "Qayum", "Qayum", False, 4),
    ("حمید", "Hamid", "Hamid", False, 4),
    ("حق", "Haq", "Haq", False, 5),
    ("علی", "Ali", "Ali", False, 4),
    ("ستار", "Sattar", "Sattar", True, 4),
    ("سلام", "Salam", "Salam", True, 4),
    ("صمد", "Samad", "Samad", True, 4),
    ("رشید", "Rashid", "Rashid", True, 4),
    ("رزاق", "Razaq", "Razaq", True, 3),
    ("واحد", "Wahed", "Wahid", False, 4),
    ("ودود", "Wadud", "Wadud", False, 3),
    ("کریم", "Karim", "Karim", False, 4),
    ("منان", "Mannan", "Mannan", False, 2),
    ("باری", "Bari", "Bari", False, 2),
    ("جبار", "Jabbar", "Jabbar", False, 2),
    ("شکور", "Shakur", "Shakur", True, 2),
    ("لطیف", "Latif", "Latif", True, 3),
    ("متین", "Matin", "Matin", False, 2),
    ("هادی", "Hadi", "Hadi", False, 2),
]
# -ullah names: root in script and romanised roots (Dari, Pashto), informal roots.
ULLAH_ROOTS = [
    ("ذبیح", "Zabih", "Zabih", ("Zabi", "Zabee"), 6),
    ("رحمت", "Rahmat", "Rahmat", ("Rehmat",), 5),
    ("عصمت", "Esmat", "Ismat", ("Ismat",), 3),
    ("نصر", "Nasr", "Nasr", ("Nasar",), 4),
    ("حیات", "Hayat", "Hayat", ("Hayaat",), 4),
    ("سیف", "Seif", "Saif", ("Saif", "Saifu"), 4),
    ("احسان", "Ehsan", "Ihsan", ("Ehsaan", "Ihsan"), 4),
    ("نجیب", "Najib", "Najib", ("Najeeb",), 5),
    ("حبیب", "Habib", "Habib", ("Habeeb",), 5),
    ("عبد", "Abd", "Abd", ("Ab",), 8),  # Abdullah
    ("عزت", "Ezzat", "Izzat", ("Ezat", "Izat"), 3),
    ("کرامت", "Keramat", "Karamat", ("Karamat",), 2),
    ("فضل", "Fazl", "Fazl", ("Fazal", "Fazil"), 4),
    ("ثنا", "Sana", "Sana", ("Sanna", "Thana"), 3),
    ("امان", "Aman", "Aman", ("Amaan",), 3),
    ("هدایت", "Hedayat", "Hidayat", ("Hidayat",), 3),
]
# -uddin names (the d of ad-din assimilates: Shamsoddin / Shamsuddin).
UDDIN_ROOTS = [
    ("شمس", "Shams", "Shams", 4),
    ("جمال", "Jamal", "Jamal", 4),
    ("نظام", "Nezam", "Nizam", 3),
    ("صلاح", "Salah", "Salah", 3),
    ("علاء", "Ala", "Ala", 2),
    ("معین", "Moin", "Muin", 3),
    ("نصیر", "Nasir", "Nasir", 3),
    ("کمال", "Kamal", "Kamal", 3),
    ("فخر", "Fakhr", "Fakhr", 2),
    ("شرف", "Sharaf", "Sharaf", 2),
]

FEMALE_NAMES = _parts("""
فاطمه | Fatema | Fatima | 14 | Fatima,Fatimah,Fatemeh,Fatma
مریم | Maryam | Maryam | 12 | Mariam,Meryam
زهرا | Zahra | Zahra | 9 | Zahraa,Zehra
زینب | Zeinab | Zainab | 8 | Zainab,Zaynab,Zeynab
خدیجه | Khadija | Khadija | 7 | Khadijeh,Khadeeja,Khadijah
فرشته | Fereshta | Fireshta | 6 | Freshta,Fereshteh,Frishta
پروانه | Parwana | Parwana | 5 | Parvana,Parwaneh
نرگس | Narges | Nargis | 6 | Nargis,Nargiss
شبنم | Shabnam | Shabnam | 5 | Shabnum
مرسل | Mursal | Mursal | 3 | Morsal
مینا | Mina | Mina | 4 | Meena,Meenah
سکینه | Sakina | Sakina | 5 | Sakeena,Sakineh
مسعوده | Masuda | Masuda | 3 | Masooda,Masouda
فرزانه | Farzana | Farzana | 5 | Farzaneh
لیلما | Lailoma | Lailuma | 3 | Lailuma,Lailooma
حمیده | Hamida | Hamida | 4 | Hameeda,Hamideh
حلیمه | Halima | Halima | 4 | Haleema,Halimeh
نسیمه | Nasima | Nasima | 4 | Naseema,Nasimeh
شکیله | Shakila | Shakila | 4 | Shakeela
ملالی | Malalai | Malalai | 3 | Malalay,Malaly
سیما | Sima | Sima | 4 | Seema
رویا | Roya | Roya | 4 | Roia
ثریا | Soraya | Suraya | 4 | Suraya,Soraia,Thuraya
گلالی | Golalai | Gulalai | 3 | Gulalai,Gulaly
نظیفه | Nazifa | Nazifa | 3 | Nazeefa
حبیبه | Habiba | Habiba | 4 | Habeeba,Habibeh
مرضیه | Marzia | Marzia | 4 | Marziya,Marziyeh
صدف | Sadaf | Sadaf | 3 | Sadaff
تهمینه | Tahmina | Tahmina | 3 | Tahmineh,Tehmina
وحیده | Wahida | Wahida | 3 | Waheeda,Vahideh
زرغونه | Zarghona | Zarghuna | 3 | Zarghuna,Zarghoona
پلوشه | Palwasha | Palwasha | 3 | Palwashah
نوریه | Nuria | Nuria | 3 | Nooria,Nuriya
لطیفه | Latifa | Latifa | 3 | Lateefa
سمیرا | Samira | Samira | 3 | Sameera
فریده | Farida | Farida | 4 | Fareeda
اسما | Asma | Asma | 3 | Asmaa
مدینه | Madina | Madina | 3 | Madeena
آرزو | Arezu | Arezu | 4 | Arezo,Arezoo,Arzu
حسینه | Hasina | Husaina | 3 | Haseena,Hasina
نیلوفر | Nilofar | Nilufar | 3 | Nilufar,Nelofar,Nilofer
شکریه | Shokria | Shukria | 3 | Shukria,Shukriya
رحیمه | Rahima | Rahima | 3 | Raheema
کریمه | Karima | Karima | 2 | Kareema
ذکیه | Zakia | Zakia | 3 | Zakiya,Zakiah
محبوبه | Mahbuba | Mahbuba | 3 | Mahbooba,Mahboobeh
زهره | Zohra | Zuhra | 3 | Zuhra,Zohreh
ستوری | Stori | Sturay | 2 | Storai,Sturai
تمنا | Tamana | Tamana | 3 | Tamanna
هادیه | Hadia | Hadia | 2 | Hadiya
فوزیه | Fawzia | Fawzia | 3 | Fauzia,Fowzia
بی بی گل | Bibi Gol | Bibi Gul | 2 | Bibigul,Bibi Gull
گلثوم | Golsum | Gulsum | 2 | Kulsoom,Gulsoom,Kulsum
""")

# Family, tribal or place names: used as surnames by some writers and not by others.
FAMILY_NAMES = _parts("""
احمدزی | Ahmadzai | Ahmadzai | 6 | Ahmadzay,Ahmedzai
پوپلزی | Popalzai | Popalzai | 4 | Popalzay
بارکزی | Barakzai | Barakzai | 4 | Barakzay
محمدزی | Mohammadzai | Muhammadzai | 4 | Mohammadzay,Mohamadzai
وردک | Wardak | Wardak | 5 | Wardag,Vardak
صافی | Safi | Safi | 4 | Saafi
ستانکزی | Stanekzai | Stanikzai | 3 | Stanikzai,Stanakzai
سلطانی | Soltani | Sultani | 4 | Sultani
هاشمی | Hashemi | Hashimi | 5 | Hashimi,Hashmi
کریمی | Karimi | Karimi | 5 | Kareemi
رحیمی | Rahimi | Rahimi | 5 | Raheemi
سادات | Sadat | Sadat | 4 | Sadaat,Saadat
نوری | Nuri | Nuri | 4 | Noori
هوتک | Hotak | Hotak | 3 | Hotaki
درانی | Dorrani | Durrani | 3 | Durrani,Durani
یوسفزی | Yusofzai | Yusufzai | 3 | Yousafzai,Yousufzai
امیری | Amiri | Amiri | 4 | Ameeri
حیدری | Heidari | Haidari | 4 | Haidari,Hyderi
رضایی | Rezai | Rizayi | 4 | Rezaie,Rezaee,Rezayee
حسینی | Hoseini | Husaini | 5 | Hussaini,Hosseini,Husseini
محمدی | Mohammadi | Muhammadi | 6 | Mohamadi,Mohammedi
احمدی | Ahmadi | Ahmadi | 6 | Ahmedi
عزیزی | Azizi | Azizi | 4 | Azeezi
نظری | Nazari | Nazari | 4 | Nazary
قادری | Qaderi | Qadiri | 3 | Qadiri,Kaderi
جلالی | Jalali | Jalali | 3 | Jalaly
رسولی | Rasuli | Rasuli | 3 | Rasooli,Rasouli
نیازی | Niazi | Niazi | 3 | Niyazi
منگل | Mangal | Mangal | 3 | Mangel
زدران | Zadran | Zadran | 3 | Zadraan
شینواری | Shinwari | Shinwari | 3 | Shinwary
الکوزی | Alokozai | Alkuzai | 2 | Alikozai,Alakozai
اچکزی | Achakzai | Achakzai | 2 | Achekzai
نورستانی | Nurestani | Nuristani | 2 | Nooristani
پنجشیری | Panjshiri | Panjshiri | 2 | Panjsheri
کوهستانی | Kohestani | Kuhistani | 2 | Kohistani
حبیبی | Habibi | Habibi | 3 | Habeebi
فیضی | Feizi | Faizi | 3 | Faizi,Fayzi
صمدی | Samadi | Samadi | 3 | Samady
عمری | Omari | Umari | 3 | Umari
شریفی | Sharifi | Sharifi | 3 | Shareefi
""")

# Titles some writers put in front of a name; not part of it.
TITLES = ("Haji", "Mullah", "Mawlawi", "Qari", "Hafiz", "Sayed", "Eng.", "Dr.")

# Provinces with their weight among evacuees (Kabul far ahead), in English and Dari.
PROVINCES = [
    ("Kabul", "کابل", 40),
    ("Nangarhar", "ننگرهار", 6),
    ("Herat", "هرات", 6),
    ("Balkh", "بلخ", 6),
    ("Kandahar", "کندهار", 5),
    ("Parwan", "پروان", 4),
    ("Logar", "لوگر", 3),
    ("Wardak", "وردک", 3),
    ("Ghazni", "غزنی", 4),
    ("Paktia", "پکتیا", 3),
    ("Kunduz", "کندز", 3),
    ("Panjshir", "پنجشیر", 3),
    ("Bamyan", "بامیان", 3),
    ("Helmand", "هلمند", 3),
    ("Laghman", "لغمان", 2),
    ("Kapisa", "کاپیسا", 2),
    ("Badakhshan", "بدخشان", 2),
    ("Khost", "خوست", 2),
    ("Baghlan", "بغلان", 2),
    ("Takhar", "تخار", 2),
    ("Faryab", "فاریاب", 1),
    ("Jawzjan", "جوزجان", 1),
    ("Daykundi", "دایکندی", 1),
    ("Kunar", "کنر", 1),
]
# How writers spell some province names in Latin.
PROVINCE_VARIANTS = {
    "Kabul": ("Kabol", "KBL", "Kabul City"),
    "Nangarhar": ("Nangrahar", "Jalalabad"),
    "Herat": ("Hirat", "Harat"),
    "Balkh": ("Mazar-i-Sharif", "Mazar"),
    "Kandahar": ("Qandahar", "Kandhar"),
    "Paktia": ("Paktiya", "Paktya"),
    "Kunduz": ("Qunduz", "Konduz"),
    "Wardak": ("Maidan Wardak", "Wardag"),
    "Ghazni": ("Ghazny",),
    "Bamyan": ("Bamiyan", "Bamian"),
    "Panjshir": ("Panjsher", "Panjsheer"),
}
