"""Demo stakeholder map: every member gets fictitious agencies and focal points. Demo mode only.

Everything here is invented: generic agency names ("Ministry of Foreign Affairs", "Directorate of
Immigration"), names typical of each country composed from common given and family names, email
domains under `.example` (which can never be real), no websites, and phone numbers that are merely
valid for the country's numbering plan. Every row is marked `is_demo=True`.

Generated deterministically (one seeded random stream per member), through the directory services
so every record has its history, then back-dated so the demo shows every freshness state: most
records up to date, some due, overdue or delinquent, some never confirmed, a few bounced addresses,
and two obvious duplicate pairs (with and without diacritics / own-script name) waiting for a merge.
Own-script names and agency names are given only for scripts we can write correctly; elsewhere
English (or the national Latin-script language) only.
"""

import random
from datetime import timedelta

import phonenumbers
from anyascii import anyascii
from django.db import transaction
from django.utils import timezone

from bphub.directory.models import Agency, AgencyKind, ConfirmedVia, Email, FocalPoint, Revision, RoleKind
from bphub.directory.services.records import agency_save, focal_point_save
from bphub.members.models import Body, BodyMembership, Member, Theme

K = AgencyKind
# kind: (English name, acronym, email sub-domain, mandate themes to pick from)
AGENCY_KINDS = {
    K.FOREIGN_AFFAIRS: ("Ministry of Foreign Affairs", "MFA", "mfa",
                        ["as-coordination", "as-stakeholder-engagement", "migration-flows", "as-information-sharing"]),
    K.IMMIGRATION: ("Directorate of Immigration", "DOI", "immigration",
                    ["border-management", "as-border-management", "fraudulent-documents", "as-irregular-migration"]),
    K.POLICE: ("National Police – Anti-Trafficking Unit", "ATU", "police",
               ["transnational-crime", "as-law-enforcement", "tip-patterns", "technology"]),
    K.JUSTICE: ("Office of the Attorney-General", "AGO", "prosecution",
                ["justice-sector", "corruption", "victim-identification"]),
    K.LABOUR: ("Ministry of Labour", "MOL", "labour", ["migration-flows", "tip-patterns", "emerging-trends"]),
    K.SOCIAL_WELFARE: ("Department of Social Welfare", "DSW", "welfare",
                       ["victim-identification", "as-victim-protection", "as-returns"]),
    K.MARITIME: ("Coast Guard", "CG", "coastguard", ["safety-at-sea", "as-border-management"]),
    K.INTELLIGENCE: ("Financial Intelligence Unit", "FIU", "fiu", ["transnational-crime", "corruption"]),
}
ORGANISATION_UNITS = [  # for the international organisations among the members
    (K.OTHER, "Regional Office for Asia and the Pacific", "RO-AP", "asiapacific",
     ["as-coordination", "migration-flows", "as-stakeholder-engagement"]),
    (K.OTHER, "Protection Division", "PROT", "protection", ["victim-identification", "as-victim-protection"]),
    (K.OTHER, "Border and Identity Management Programme", "BIM", "bim",
     ["border-management", "fraudulent-documents"]),
    (K.OTHER, "Returns and Reintegration Unit", "RRU", "returns", ["as-returns"]),
]

# Agency names in the member's own language, only where we are sure of the wording: {lang: {kind: name}}.
LOCAL_AGENCY_NAMES = {
    "th": {K.FOREIGN_AFFAIRS: "กระทรวงการต่างประเทศ", K.IMMIGRATION: "สำนักงานตรวจคนเข้าเมือง",
           K.POLICE: "สำนักงานตำรวจแห่งชาติ – หน่วยต่อต้านการค้ามนุษย์", K.JUSTICE: "สำนักงานอัยการสูงสุด",
           K.LABOUR: "กระทรวงแรงงาน", K.SOCIAL_WELFARE: "กรมพัฒนาสังคมและสวัสดิการ"},
    "id": {K.FOREIGN_AFFAIRS: "Kementerian Luar Negeri", K.IMMIGRATION: "Direktorat Jenderal Imigrasi",
           K.POLICE: "Kepolisian Negara – Unit Anti Perdagangan Orang", K.JUSTICE: "Kejaksaan Agung",
           K.LABOUR: "Kementerian Ketenagakerjaan", K.SOCIAL_WELFARE: "Kementerian Sosial",
           K.MARITIME: "Badan Keamanan Laut", K.INTELLIGENCE: "Pusat Pelaporan dan Analisis Transaksi Keuangan"},
    "ms": {K.FOREIGN_AFFAIRS: "Kementerian Luar Negeri", K.IMMIGRATION: "Jabatan Imigresen",
           K.POLICE: "Polis – Unit Anti Pemerdagangan Orang", K.JUSTICE: "Jabatan Peguam Negara",
           K.SOCIAL_WELFARE: "Jabatan Kebajikan Masyarakat", K.MARITIME: "Agensi Penguatkuasaan Maritim"},
    "vi": {K.FOREIGN_AFFAIRS: "Bộ Ngoại giao", K.IMMIGRATION: "Cục Quản lý Xuất nhập cảnh", K.POLICE: "Bộ Công an",
           K.JUSTICE: "Viện Kiểm sát Nhân dân Tối cao", K.LABOUR: "Bộ Lao động – Thương binh và Xã hội",
           K.MARITIME: "Cảnh sát biển"},
    "zh-hans": {K.FOREIGN_AFFAIRS: "外交部", K.IMMIGRATION: "国家移民管理局", K.POLICE: "公安部",
                K.JUSTICE: "最高人民检察院", K.LABOUR: "人力资源和社会保障部", K.SOCIAL_WELFARE: "民政部",
                K.MARITIME: "海警局"},
    "ja": {K.FOREIGN_AFFAIRS: "外務省", K.IMMIGRATION: "出入国在留管理庁", K.POLICE: "警察庁", K.JUSTICE: "法務省",
           K.LABOUR: "厚生労働省", K.MARITIME: "海上保安庁"},
    "ko": {K.FOREIGN_AFFAIRS: "외교부", K.IMMIGRATION: "출입국·외국인정책본부", K.POLICE: "경찰청", K.JUSTICE: "법무부",
           K.LABOUR: "고용노동부", K.MARITIME: "해양경찰청"},
    "mn": {K.FOREIGN_AFFAIRS: "Гадаад харилцааны яам", K.POLICE: "Цагдаагийн ерөнхий газар"},
    "ar": {K.FOREIGN_AFFAIRS: "وزارة الخارجية", K.JUSTICE: "وزارة العدل", K.LABOUR: "وزارة العمل",
           K.POLICE: "وحدة مكافحة الاتجار بالبشر"},
    "fa": {K.FOREIGN_AFFAIRS: "وزارت امور خارجه", K.JUSTICE: "وزارت دادگستری"},
    "hi": {K.FOREIGN_AFFAIRS: "विदेश मंत्रालय"},
    "ne": {K.FOREIGN_AFFAIRS: "परराष्ट्र मन्त्रालय", K.IMMIGRATION: "अध्यागमन विभाग", K.POLICE: "नेपाल प्रहरी"},
    "bn": {K.FOREIGN_AFFAIRS: "পররাষ্ট্র মন্ত্রণালয়"},
    "ur": {K.FOREIGN_AFFAIRS: "وزارت خارجہ"},
    "tr": {K.FOREIGN_AFFAIRS: "Dışişleri Bakanlığı", K.IMMIGRATION: "Göç İdaresi Başkanlığı",
           K.POLICE: "Emniyet Genel Müdürlüğü", K.JUSTICE: "Adalet Bakanlığı",
           K.MARITIME: "Sahil Güvenlik Komutanlığı"},
    "fr": {K.FOREIGN_AFFAIRS: "Ministère de l'Europe et des Affaires étrangères",
           K.IMMIGRATION: "Direction générale des étrangers", K.JUSTICE: "Ministère de la Justice",
           K.POLICE: "Office central pour la répression de la traite des êtres humains"},
    "fil": {K.FOREIGN_AFFAIRS: "Kagawaran ng Ugnayang Panlabas", K.IMMIGRATION: "Kawanihan ng Imigrasyon",
            K.JUSTICE: "Kagawaran ng Katarungan", K.LABOUR: "Kagawaran ng Paggawa at Empleyo",
            K.SOCIAL_WELFARE: "Kagawaran ng Kagalingang Panlipunan at Pagpapaunlad",
            K.MARITIME: "Tanod Baybayin ng Pilipinas"},
}

# The English name where the own-language name is not simply the generic one, so both say the same.
ENGLISH_FOR_LOCAL = {
    ("th", K.IMMIGRATION): "Immigration Bureau",
    ("th", K.SOCIAL_WELFARE): "Department of Social Development and Welfare",
    ("id", K.IMMIGRATION): "Directorate General of Immigration", ("id", K.LABOUR): "Ministry of Manpower",
    ("id", K.SOCIAL_WELFARE): "Ministry of Social Affairs", ("id", K.MARITIME): "Maritime Security Agency",
    ("id", K.INTELLIGENCE): "Financial Transaction Reports and Analysis Centre",
    ("ms", K.IMMIGRATION): "Immigration Department", ("ms", K.JUSTICE): "Attorney General's Chambers",
    ("ms", K.MARITIME): "Maritime Enforcement Agency",
    ("vi", K.IMMIGRATION): "Immigration Department", ("vi", K.POLICE): "Ministry of Public Security",
    ("vi", K.JUSTICE): "Supreme People's Procuracy",
    ("vi", K.LABOUR): "Ministry of Labour, Invalids and Social Affairs",
    ("zh-hans", K.IMMIGRATION): "National Immigration Administration",
    ("zh-hans", K.POLICE): "Ministry of Public Security",
    ("zh-hans", K.JUSTICE): "Supreme People's Procuratorate",
    ("zh-hans", K.LABOUR): "Ministry of Human Resources and Social Security",
    ("zh-hans", K.SOCIAL_WELFARE): "Ministry of Civil Affairs",
    ("ja", K.IMMIGRATION): "Immigration Services Agency", ("ja", K.POLICE): "National Police Agency",
    ("ja", K.JUSTICE): "Ministry of Justice", ("ja", K.LABOUR): "Ministry of Health, Labour and Welfare",
    ("ko", K.IMMIGRATION): "Korea Immigration Service", ("ko", K.POLICE): "National Police Agency",
    ("ko", K.JUSTICE): "Ministry of Justice", ("ko", K.LABOUR): "Ministry of Employment and Labor",
    ("mn", K.POLICE): "General Police Department",
    ("ar", K.JUSTICE): "Ministry of Justice", ("ar", K.POLICE): "Anti-Human Trafficking Unit",
    ("fa", K.JUSTICE): "Ministry of Justice", ("hi", K.FOREIGN_AFFAIRS): "Ministry of External Affairs",
    ("ne", K.IMMIGRATION): "Department of Immigration", ("ne", K.POLICE): "Nepal Police",
    ("tr", K.IMMIGRATION): "Presidency of Migration Management", ("tr", K.POLICE): "General Directorate of Security",
    ("tr", K.JUSTICE): "Ministry of Justice", ("tr", K.MARITIME): "Coast Guard Command",
    ("fr", K.FOREIGN_AFFAIRS): "Ministry for Europe and Foreign Affairs",
    ("fr", K.IMMIGRATION): "Directorate-General for Foreigners", ("fr", K.JUSTICE): "Ministry of Justice",
    ("fr", K.POLICE): "Central Office for the Suppression of Trafficking in Human Beings",
    ("fil", K.IMMIGRATION): "Bureau of Immigration", ("fil", K.JUSTICE): "Department of Justice",
    ("fil", K.LABOUR): "Department of Labor and Employment",
    ("fil", K.SOCIAL_WELFARE): "Department of Social Welfare and Development",
    ("fil", K.FOREIGN_AFFAIRS): "Department of Foreign Affairs",
}

# Name styles: (given names, family names, family name first?, join own-script parts with a space?).
# Each name is (Latin, own script); own script "" where the Latin form is the person's own script.
NO_SCRIPT = ""
NAME_STYLES = {
    "thai": ([("Somchai", "สมชาย"), ("Sudarat", "สุดารัตน์"), ("Wichai", "วิชัย"), ("Napaporn", "นภาพร"),
              ("Prasert", "ประเสริฐ"), ("Kanchana", "กาญจนา"), ("Anucha", "อนุชา"), ("Rattana", "รัตนา")],
             [("Kaewmanee", "แก้วมณี"), ("Srisuk", "ศรีสุข"), ("Thongdee", "ทองดี"), ("Boonma", "บุญมา"),
              ("Sukjai", "สุขใจ"), ("Wongthai", "วงศ์ไทย")], False, True),
    "chinese": ([("Xiaoming", "小明"), ("Jing", "静"), ("Wei", "伟"), ("Yang", "洋"), ("Xiaohong", "晓红"),
                 ("Lei", "磊"), ("Li", "丽"), ("Hui", "慧")],
                [("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Zhao", "赵"),
                 ("Yang", "杨"), ("Huang", "黄")], True, False),
    "cantonese": ([("Chi-ming", "志明"), ("Mei-ling", "美玲"), ("Ka-yan", "嘉欣"), ("Wai-keung", "偉強"),
                   ("Wing-sze", "詠詩"), ("Man-kit", "文傑"), ("Ka-wai", "嘉慧"), ("Ka-ho", "家豪")],
                  [("Chan", "陳"), ("Wong", "黃"), ("Lee", "李"), ("Cheung", "張"), ("Lau", "劉"), ("Ho", "何"),
                   ("Leung", "梁"), ("Ng", "吳")], True, False),
    "japanese": ([("Ken", "健"), ("Misaki", "美咲"), ("Makoto", "誠"), ("Yumi", "由美"), ("Naoki", "直樹"),
                  ("Sakura", "さくら"), ("Hiroshi", "浩"), ("Aiko", "愛子")],
                 [("Sato", "佐藤"), ("Suzuki", "鈴木"), ("Takahashi", "高橋"), ("Tanaka", "田中"), ("Ito", "伊藤"),
                  ("Watanabe", "渡辺"), ("Yamamoto", "山本"), ("Nakamura", "中村")], True, False),
    "korean": ([("Min-jun", "민준"), ("Seo-yeon", "서연"), ("Ji-hoon", "지훈"), ("Su-jin", "수진"),
                ("Hyun-woo", "현우"), ("Ye-rin", "예린"), ("Do-yun", "도윤")],
               [("Kim", "김"), ("Lee", "이"), ("Park", "박"), ("Choi", "최"), ("Jung", "정"), ("Kang", "강"),
                ("Yoon", "윤")], True, False),
    "korean_dprk": ([("Chol", "철"), ("Yong-ho", "영호"), ("Sun-hui", "순희"), ("Kwang-il", "광일"),
                     ("Un-jong", "은정"), ("Myong-su", "명수")],
                    [("Ri", "리"), ("Kim", "김"), ("Pak", "박"), ("Choe", "최"), ("Jong", "정")], True, False),
    "mongolian": ([("Ganbaatar", "Ганбаатар"), ("Oyunchimeg", "Оюунчимэг"), ("Bat-Erdene", "Бат-Эрдэнэ"),
                   ("Sarangerel", "Сарангэрэл"), ("Enkhtuya", "Энхтуяа")],
                  [("D.", "Д."), ("B.", "Б."), ("G.", "Г."), ("Ts.", "Ц."), ("S.", "С.")], True, True),
    "arabic": ([("Ahmad", "أحمد"), ("Fatima", "فاطمة"), ("Khalid", "خالد"), ("Layla", "ليلى"), ("Yousef", "يوسف"),
                ("Sara", "سارة"), ("Omar", "عمر"), ("Mariam", "مريم")],
               [("Mansour", "منصور"), ("Abdullah", "عبد الله"), ("Haddad", "حداد"), ("Khalil", "خليل"),
                ("Nasser", "ناصر"), ("Suleiman", "سليمان")], False, True),
    "persian": ([("Ali", "علی"), ("Maryam", "مریم"), ("Reza", "رضا"), ("Zahra", "زهرا"), ("Hossein", "حسین"),
                 ("Fatemeh", "فاطمه"), ("Ahmad", "احمد")],
                [("Rezaei", "رضایی"), ("Ahmadi", "احمدی"), ("Mohammadi", "محمدی"), ("Karimi", "کریمی"),
                 ("Hosseini", "حسینی"), ("Noori", "نوری")], False, True),
    "urdu": ([("Imran", "عمران"), ("Fatima", "فاطمہ"), ("Ali", "علی"), ("Ayesha", "عائشہ"), ("Bilal", "بلال"),
              ("Sana", "ثنا")],
             [("Ahmed", "احمد"), ("Khan", "خان"), ("Hassan", "حسن"), ("Qureshi", "قریشی"), ("Malik", "ملک")],
             False, True),
    "hindi": ([("Priya", "प्रिया"), ("Rahul", "राहुल"), ("Anil", "अनिल"), ("Sunita", "सुनीता"), ("Amit", "अमित"),
               ("Kavita", "कविता"), ("Vikram", "विक्रम")],
              [("Sharma", "शर्मा"), ("Verma", "वर्मा"), ("Kumar", "कुमार"), ("Singh", "सिंह"), ("Gupta", "गुप्ता")],
              False, True),
    "nepali": ([("Ram", "राम"), ("Sita", "सीता"), ("Hari", "हरि"), ("Gita", "गीता"), ("Bikash", "बिकास"),
                ("Sarita", "सरिता")],
               [("Thapa", "थापा"), ("Shrestha", "श्रेष्ठ"), ("Sharma", "शर्मा"), ("Gurung", "गुरुङ"), ("Rai", "राई"),
                ("Adhikari", "अधिकारी")], False, True),
    "bengali": ([("Abdul Karim", "আব্দুল করিম"), ("Fatema Begum", "ফাতেমা বেগম"), ("Rafiqul Islam", "রফিকুল ইসলাম"),
                 ("Nusrat Jahan", "নুসরাত জাহান"), ("Tanvir Ahmed", "তানভীর আহমেদ"),
                 ("Sharmin Akter", "শারমিন আক্তার")], [("", "")], False, True),
}


def _latin(given: str, family: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    families = family.split(",") if family else [""]
    return [(g, NO_SCRIPT) for g in given.split(",")], [(f, NO_SCRIPT) for f in families]


LATIN_STYLES = {
    "vietnamese": ("Thị Hồng,Văn Minh,Thị Thu Hà,Quốc Huy,Thị Lan,Đức Thắng,Thu Trang,Minh Tuấn",
                   "Nguyễn,Trần,Lê,Phạm,Hoàng,Vũ,Đặng,Bùi", True),
    "indonesian": ("Siti,Budi,Dewi,Agus,Rina,Hendra,Putri,Wahyu", "Rahmawati,Santoso,Lestari,Setiawan,Wulandari,"
                   "Gunawan,Maharani,Hidayat", False),
    "malay": ("Nurul Aisyah binti Ahmad,Muhammad Hafiz bin Ismail,Tan Wei Ling,Kumar a/l Subramaniam,"
              "Aminah binti Yusof,Lim Chee Keong,Farid bin Osman,Nor Hayati binti Salleh", "", False),
    "brunei": ("Dayang Nur Aini binti Haji Ahmad,Awang Mohd Faizal bin Haji Yusof,Hajah Rosnah binti Abdullah,"
               "Awang Hazwan bin Haji Md Noor,Dayang Siti Hajar binti Haji Tahir", "", False),
    "singapore": ("Tan Wei Ming,Siti Aminah,Rajesh Kumar,Lim Hui Min,Daniel Ong,Nur Farah,Goh Jun Jie,"
                  "Priya Menon", "", False),
    "filipino": ("Maria,Jose,Ana,Paolo,Liza,Ramon,Carmela,Miguel", "Santos,Reyes,Cruz,Garcia,Mendoza,Bautista,"
                 "Villanueva", False),
    "khmer": ("Dara,Sophea,Sreymom,Vuthy,Sokha,Rithy,Chenda", "Sok,Chan,Kim,Heng,Pich,Meas", True),
    "lao": ("Somsack,Bounmy,Khamla,Phonesavanh,Vilayvanh,Souksavanh", "Phommachanh,Vongsa,Sisavath,Keomany,"
            "Souvannavong", False),
    "burmese": ("Aung Ko Ko,Thida Win,Kyaw Zin Htet,Nilar Myint,Hla Hla Aye,Zaw Min Oo,Su Su Lwin,"
                "Min Thu Aung", "", False),
    "timorese": ("João,Maria,Ana,Joaquim,Lucia,Domingos", "da Silva,Soares,Guterres,Belo,Ximenes,Pereira", False),
    "english": ("Emily,James,Priya,Liam,Sophie,Daniel,Olivia,Michael,Grace,Amir", "Clarke,O'Brien,Nair,Walker,"
                "Kowalski,Mitchell,Carter,Hughes,Evans", False),
    "maori_english": ("Aroha,Tom,Mere,Grace,Sam,Hemi", "Ngata,Harrison,Parata,Liu,Patel,Walker", False),
    "french": ("Camille,Julien,Élodie,Thomas,Chloé,Mathieu,Inès", "Dubois,Martin,Lefèvre,Bernard,Moreau,Girard",
               False),
    "turkish": ("Ayşe,Mehmet,Elif,Mustafa,Zeynep,Emre", "Yılmaz,Demir,Kaya,Çelik,Şahin,Aydın", False),
    "fijian": ("Mere Tuilau,Jone Raikadroka,Ana Vakaloloma,Sanjay Prasad,Litia Naivalu,Sailosi Ratu", "", False),
    "melanesian": ("John,Mary,Peter,Grace,Joseph,Ruth", "Kaupa,Kila,Wari,Tau,Maetia,Kalsakau,Tari,Molisa", False),
    "micronesian": ("Tiiroa,Teretia,Kaure,Marisa,Tyson,Maria,Joseph", "Bauro,Uriam,Tebano,Agir,Detabene,"
                    "Rengiil,Ngiraingas", False),
    "polynesian": ("Siosaia,Mele,Viliami,Lesieli,Tavita,Losa,Sione,Malia", "Fifita,Taufa,Havili,Leota,Faleolo,"
                   "Aumua", False),
    "south_asian_latin": ("Nimal Perera,Chamari Jayasinghe,Suresh Rajendran,Dilani Fernando,Aishath Shiuna,"
                          "Mohamed Ibrahim,Fathimath Nashwa,Ahmed Shareef", "", False),
    "bhutanese": ("Karma Dorji,Pema Choden,Tshering Yangzom,Kinley Wangmo,Ugyen Tenzin,Dechen Pelden", "",
                  False),
    "international": ("Maria,Kenji,Amina,Lukas,Priyanka,Chloé,Samuel,Ingrid", "Gonzalez,Watanabe,Diallo,"
                      "Schneider,Das,Martin,Okafor,Larsen", False),
}
for _style, (_given, _family, _family_first) in LATIN_STYLES.items():
    NAME_STYLES[_style] = (*_latin(_given, _family), _family_first, True)

# code: (name style, preferred language, time zone, phone region)
MEMBERS = {
    "AE": ("arabic", "ar", "Asia/Dubai", "AE"), "AF": ("persian", "fa", "Asia/Kabul", "AF"),
    "AU": ("english", "en", "Australia/Sydney", "AU"), "BD": ("bengali", "bn", "Asia/Dhaka", "BD"),
    "BN": ("brunei", "ms", "Asia/Brunei", "BN"), "BT": ("bhutanese", "en", "Asia/Thimphu", "BT"),
    "CA": ("english", "en", "America/Toronto", "CA"), "CN": ("chinese", "zh-hans", "Asia/Shanghai", "CN"),
    "FJ": ("fijian", "en", "Pacific/Fiji", "FJ"), "FR": ("french", "fr", "Europe/Paris", "FR"),
    "GB": ("english", "en", "Europe/London", "GB"), "HK": ("cantonese", "en", "Asia/Hong_Kong", "HK"),
    "ID": ("indonesian", "id", "Asia/Jakarta", "ID"), "IN": ("hindi", "hi", "Asia/Kolkata", "IN"),
    "IQ": ("arabic", "ar", "Asia/Baghdad", "IQ"), "IR": ("persian", "fa", "Asia/Tehran", "IR"),
    "JO": ("arabic", "ar", "Asia/Amman", "JO"), "JP": ("japanese", "ja", "Asia/Tokyo", "JP"),
    "KH": ("khmer", "km", "Asia/Phnom_Penh", "KH"), "KI": ("micronesian", "en", "Pacific/Tarawa", "KI"),
    "KP": ("korean_dprk", "ko", "Asia/Pyongyang", "KP"), "KR": ("korean", "ko", "Asia/Seoul", "KR"),
    "LA": ("lao", "lo", "Asia/Vientiane", "LA"), "LK": ("south_asian_latin", "si", "Asia/Colombo", "LK"),
    "MM": ("burmese", "my", "Asia/Yangon", "MM"), "MN": ("mongolian", "mn", "Asia/Ulaanbaatar", "MN"),
    "MO": ("cantonese", "en", "Asia/Macau", "MO"), "MV": ("south_asian_latin", "en", "Indian/Maldives", "MV"),
    "MY": ("malay", "ms", "Asia/Kuala_Lumpur", "MY"), "NP": ("nepali", "ne", "Asia/Kathmandu", "NP"),
    "NR": ("micronesian", "en", "Pacific/Nauru", "NR"), "NZ": ("maori_english", "en", "Pacific/Auckland", "NZ"),
    "PG": ("melanesian", "en", "Pacific/Port_Moresby", "PG"), "PH": ("filipino", "fil", "Asia/Manila", "PH"),
    "PK": ("urdu", "ur", "Asia/Karachi", "PK"), "PW": ("micronesian", "en", "Pacific/Palau", "PW"),
    "SB": ("melanesian", "en", "Pacific/Guadalcanal", "SB"), "SG": ("singapore", "en", "Asia/Singapore", "SG"),
    "SY": ("arabic", "ar", "Asia/Damascus", "SY"), "TH": ("thai", "th", "Asia/Bangkok", "TH"),
    "TL": ("timorese", "tet", "Asia/Dili", "TL"), "TO": ("polynesian", "en", "Pacific/Tongatapu", "TO"),
    "TR": ("turkish", "tr", "Europe/Istanbul", "TR"), "US": ("english", "en", "America/New_York", "US"),
    "VN": ("vietnamese", "vi", "Asia/Ho_Chi_Minh", "VN"), "VU": ("melanesian", "en", "Pacific/Efate", "VU"),
    "WS": ("polynesian", "en", "Pacific/Apia", "WS"),
    # International organisations: staff of many nationalities, at headquarters or a regional office.
    "IOM": ("international", "en", "Europe/Zurich", "CH"), "ILO": ("international", "en", "Europe/Zurich", "CH"),
    "UNHCR": ("international", "en", "Europe/Zurich", "CH"), "UNODC": ("international", "en", "Europe/Vienna", "AT"),
    "ICMPD": ("international", "en", "Europe/Vienna", "AT"), "UN-ACT": ("international", "en", "Asia/Bangkok", "TH"),
}
DEFAULT_MEMBER = ("international", "en", "UTC", "CH")
# Agencies the first demo loader (bphub.demo.data.DEMO_AGENCIES) makes, by acronym: adopted, not doubled.
LEGACY_DEMO_KINDS = {"IB": K.IMMIGRATION, "MFA": K.FOREIGN_AFFAIRS, "DJI": K.IMMIGRATION, "POLRI": K.POLICE,
                     "DHA": K.IMMIGRATION, "IACAT": K.OTHER, "PDRM": K.POLICE}
AGENCY_LANGUAGE = {"HK": None, "MO": None, "KP": None, "BN": "ms", "MY": "ms", "SG": None, "AF": "fa", "IR": "fa"}

TITLES = {
    K.FOREIGN_AFFAIRS: ["Director-General", "Director", "Counsellor", "First Secretary", "Second Secretary"],
    K.POLICE: ["Superintendent", "Chief Inspector", "Inspector", "Senior Investigator"],
    K.JUSTICE: ["Senior Prosecutor", "Public Prosecutor", "Legal Officer"],
    K.OTHER: ["Programme Manager", "Senior Programme Officer", "Regional Thematic Specialist", "Programme Officer"],
}
DEFAULT_TITLES = ["Director", "Deputy Director", "Head of Section", "Senior Officer", "Policy Analyst"]
BOUNCE_REASON = "550 5.1.1 mailbox unavailable (fictitious demo bounce)"
# The two obvious duplicate pairs: (member, name as first entered, the same person entered again).
DUPLICATES = [
    ("VN", ("Nguyễn Thị Hồng", ""), ("Nguyen Thi Hong", "")),
    ("TH", ("Somchai Jaidee", "สมชาย ใจดี"), ("Somchai Jaidee", "")),
]


def _slug(text: str) -> str:
    return "".join(ch for ch in anyascii(text).lower() if ch.isalnum())


def _phone(rng: random.Random, region: str, kind) -> str:
    """A number valid for the region's plan (not a real subscriber we know of), in E.164."""
    example = phonenumbers.example_number_for_type(region, kind) or phonenumbers.example_number(region)
    if example is None:
        return ""
    digits = str(example.national_number)
    for _attempt in range(40):
        tail = "".join(str(rng.randint(0, 9)) for _digit in range(min(4, len(digits) - 2)))
        candidate = phonenumbers.parse(f"+{example.country_code}{digits[: len(digits) - len(tail)]}{tail}")
        if phonenumbers.is_valid_number(candidate):
            return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)


def _person_names(rng: random.Random, style: str, count: int) -> list[tuple[str, str]]:
    given, family, family_first, spaced = NAME_STYLES[style]
    pairs = [(g, f) for g in given for f in family]
    rng.shuffle(pairs)
    names, used_given, used_family = [], set(), set()
    # Prefer unused given and family names, so the list looks like different people.
    for strict in (2, 1, 0):
        for g, f in pairs:
            if len(names) == count:
                return names
            if (strict >= 1 and g in used_given) or (strict == 2 and f in used_family):
                continue
            parts = [f, g] if family_first else [g, f]
            latin = " ".join(p[0] for p in parts if p[0])
            if any(latin == existing for existing, _local in names):
                continue
            has_script = all(p[1] or not p[0] for p in parts)  # every Latin part has its own-script form
            local = (" " if spaced else "").join(p[1] for p in parts if p[1]) if has_script else ""
            names.append((latin, local))
            used_given.add(g)
            used_family.add(f)
    return names


def _agency_specs(rng: random.Random, member: Member, lang: str | None) -> list[dict]:
    if member.kind == Member.Kind.ORGANISATION:
        units = ORGANISATION_UNITS[: rng.randint(3, len(ORGANISATION_UNITS))]
        return [{"kind": kind, "name": {"en": name}, "acronym": acronym,
                 "domain": f"{sub}.{_slug(member.code)}.example", "themes": themes}
                for kind, name, acronym, sub, themes in units]
    others = [K.JUSTICE, K.LABOUR, K.SOCIAL_WELFARE, K.MARITIME, K.INTELLIGENCE]
    kinds = [K.FOREIGN_AFFAIRS, K.IMMIGRATION, K.POLICE] + rng.sample(others, rng.randint(0, 4))
    specs = []
    for kind in kinds:
        english, acronym, sub, themes = AGENCY_KINDS[kind]
        name = {"en": english}
        local = LOCAL_AGENCY_NAMES.get(lang or "", {}).get(kind)
        if local:
            name = {"en": ENGLISH_FOR_LOCAL.get((lang, kind), english), lang: local}
        specs.append({"kind": kind, "name": name, "acronym": acronym, "themes": themes,
                      "domain": f"{sub}.{member.code.lower()}.example"})
    return specs


def _confirmation_history(rng: random.Random, now):
    """(created_at, last_confirmed_at or None, via): mostly fresh, some due/overdue/delinquent/never."""
    roll = rng.random()
    if roll < 0.62:
        confirmed = now - timedelta(days=rng.randint(5, 170))
    elif roll < 0.74:
        confirmed = now - timedelta(days=182 + rng.randint(1, 25))  # due
    elif roll < 0.82:
        confirmed = now - timedelta(days=182 + 30 + rng.randint(1, 25))  # overdue
    elif roll < 0.90:
        confirmed = now - timedelta(days=182 + 60 + rng.randint(5, 300))  # delinquent
    else:
        confirmed = None  # never confirmed since it was entered
    created = (confirmed or now - timedelta(days=rng.randint(20, 400))) - timedelta(days=rng.randint(0, 400))
    via = rng.choice([ConfirmedVia.IMPORT, ConfirmedVia.LINK, ConfirmedVia.LINK, ConfirmedVia.COORDINATOR])
    return created, confirmed, via if confirmed else ""


def _backdate(record, *, created, confirmed, via, extra: dict | None = None) -> None:
    """Set the record's review history as if it had been kept for a while, in the row and its first revision."""
    model = type(record)
    record.created_at, record.last_confirmed_at, record.last_confirmed_via = created, confirmed, via
    record.review_due_on = record.compute_review_due_on()
    fields = {"created_at": created, "last_confirmed_at": confirmed, "last_confirmed_via": via,
              "review_due_on": record.review_due_on, "is_demo": True, **(extra or {})}
    for name, value in (extra or {}).items():
        setattr(record, name, value)
    model.all_objects.filter(pk=record.pk).update(**fields)
    # The first revision shows the record as back-dated (patched, not re-snapshotted: loading stays fast).
    revision = Revision.objects.filter(record_type="agency" if model is Agency else "focal_point",
                                       record_id=record.pk).order_by("-number").first()
    revision.snapshot.update(
        last_confirmed_at=confirmed.isoformat() if confirmed else None,
        **({"last_confirmed_via": via} if model is not Agency else {}),
        **({"verified_until": fields["verified_until"].isoformat()} if "verified_until" in fields else {}),
    )
    revision.created_at = created
    revision.save(update_fields=["snapshot", "created_at"])


def _ensure_member(member: Member, *, now, themes: dict, seats: dict, neighbours: dict) -> dict[str, int]:
    rng = random.Random(f"bphub directory demo {member.code}")
    style, language, time_zone, region = MEMBERS.get(member.code, DEFAULT_MEMBER)
    agency_language = AGENCY_LANGUAGE.get(member.code, language if language in LOCAL_AGENCY_NAMES else None)
    agencies = []
    for spec in _agency_specs(rng, member, agency_language):
        # Adopt the agency of this kind the first demo loader made, if any (same acronym or kind).
        legacy = [acronym for acronym, kind in LEGACY_DEMO_KINDS.items() if kind == spec["kind"]]
        existing = Agency.objects.filter(member=member, acronym__in=[spec["acronym"], *legacy]).first()
        picked = rng.sample(spec["themes"], min(len(spec["themes"]), rng.randint(2, 3)))
        data = {"name": {**spec["name"], **(existing.name if existing else {})},
                "acronym": existing.acronym if existing and existing.acronym else spec["acronym"],
                "kind": spec["kind"], "email_domains": spec["domain"], "website": "",
                "themes": [themes[code] for code in picked if code in themes]}
        agency = agency_save(agency=existing, member=member, data=data)
        created, confirmed, via = _confirmation_history(rng, now)
        _backdate(agency, created=created, confirmed=confirmed, via=via)
        agencies.append((agency, spec["domain"]))
    # The first loader's agencies of other kinds (e.g. an inter-agency council) join the demo with a history.
    for leftover in Agency.objects.filter(member=member, is_demo=False, acronym__in=list(LEGACY_DEMO_KINDS)):
        domain = leftover.email_domains or f"{_slug(leftover.acronym)}.{member.code.lower()}.example"
        leftover = agency_save(agency=leftover, data={"website": "", "email_domains": domain})
        created, confirmed, via = _confirmation_history(rng, now)
        _backdate(leftover, created=created, confirmed=confirmed, via=via)

    count = rng.randint(5, 12)
    names = _person_names(rng, style, count)
    duplicate = next((d for d in DUPLICATES if d[0] == member.code), None)
    if duplicate:
        names = [n for n in names if n[0] not in {duplicate[1][0], duplicate[2][0]}]
        names = [duplicate[1], *names[: count - 2], duplicate[2]]
    people = 0
    for position, (latin, local) in enumerate(names):
        agency, domain = agencies[0] if position == 0 else rng.choice(agencies)
        if duplicate and position == len(names) - 1:
            agency, domain = agencies[0]  # the duplicate: same person, entered again without diacritics/script
        given_slug = _slug(latin.split()[-1] if NAME_STYLES[style][2] else latin.split()[0]) or "person"
        family_slug = _slug(latin.split()[0] if NAME_STYLES[style][2] else latin.split()[-1]) or "officer"
        emails = [f"{given_slug}.{family_slug}@{domain}"]
        if duplicate and position == len(names) - 1:
            emails = [f"{given_slug[0]}{family_slug}@{domain}"]
        elif rng.random() < 0.2:
            emails.append(f"{given_slug}{rng.randint(1, 99)}@{rng.choice(agencies)[1]}")
        phones = [p for p in (_phone(rng, region, phonenumbers.PhoneNumberType.FIXED_LINE),) if p]
        if rng.random() < 0.5:
            mobile = _phone(rng, region, phonenumbers.PhoneNumberType.MOBILE)
            if mobile and mobile not in phones:
                phones.append(mobile)
        roles = []
        if position == 0:
            roles.append({"kind": RoleKind.NATIONAL})
            if rng.random() < 0.85:
                roles.append({"kind": RoleKind.SOM_DELEGATE})
        elif position == 1 and rng.random() < 0.6:
            roles.append({"kind": RoleKind.SOM_DELEGATE})
        if 0 < position <= len(seats.get(member.pk, [])):
            roles.append({"kind": RoleKind.WORKING_GROUP, "body": seats[member.pk][position - 1]})
        mandate = list(agency.themes.all())
        if position >= 2 and mandate and rng.random() < 0.45:
            roles.append({"kind": RoleKind.THEMATIC, "theme": rng.choice(mandate)})
        data = {
            "full_name": latin, "local_name": local, "agency": agency,
            "title": rng.choice(TITLES.get(agency.kind, DEFAULT_TITLES)),
            "preferred_language": language if rng.random() < 0.6 else "en", "time_zone": time_zone,
            "emails": emails, "phones": phones, "roles": roles,
        }
        roll = rng.random()
        if roll < 0.08 and neighbours.get(member.pk):
            data["classification"] = "restricted"
            data["released_to"] = [rng.choice(neighbours[member.pk])]
        elif roll < 0.15 or (position == 0 and roll < 0.5):
            data["classification"] = "public"
        person = focal_point_save(member=member, data=data)
        created, confirmed, via = _confirmation_history(rng, now)
        extra = {}
        if confirmed and rng.random() < 0.5 and confirmed > now - timedelta(days=300):
            extra = {"verified_at": confirmed, "verified_via": rng.choice(["nomination", "trusted_domain"]),
                     "verified_until": timezone.localdate(confirmed) + timedelta(days=365)}
        _backdate(person, created=created, confirmed=confirmed, via=via, extra=extra)
        if rng.random() < 0.06:
            Email.objects.filter(focal_point=person, is_primary=True).update(
                bounced_at=now - timedelta(days=rng.randint(1, 60)), bounce_reason=BOUNCE_REASON)
        people += 1
    return {"agencies": len(agencies), "focal_points": people}


@transaction.atomic
def demo_directory_ensure() -> dict[str, int]:
    """Fictitious agencies and focal points for every member that has none yet (is_demo=True).

    Idempotent: a member that already has demo focal points is left alone, so loading twice
    changes nothing. Demo mode only (raises ImproperlyConfigured otherwise).
    """
    from bphub.demo.data import _require_demo_mode

    _require_demo_mode()
    now = timezone.now()
    themes = {theme.code: theme for theme in Theme.objects.all()}
    groups = Body.objects.filter(kind__in=[Body.Kind.WORKING_GROUP, "task_force"])
    seats: dict[int, list] = {}
    for seat in BodyMembership.objects.on(timezone.localdate()).filter(body__in=groups).select_related("body"):
        seats.setdefault(seat.member_id, []).append(seat.body)
    members = list(Member.objects.order_by("code"))
    neighbours = {
        m.pk: [o for o in members if o.sub_region_id == m.sub_region_id and o.pk != m.pk] if m.sub_region_id else []
        for m in members
    }
    done = set(FocalPoint.all_objects.filter(is_demo=True).values_list("member_id", flat=True).distinct())
    totals = {"agencies": 0, "focal_points": 0}
    for member in members:
        if member.pk in done:
            continue
        for key, value in _ensure_member(member, now=now, themes=themes, seats=seats, neighbours=neighbours).items():
            totals[key] += value
    return totals
