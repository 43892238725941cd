"""The questionnaire: the nine elements (unsur) of PermenPANRB No. 14 of 2017, each asked with
the wording of the regulation's sample questionnaire and answered on its 4-point scale
(1 = the worst answer, 4 = the best), and the respondent's profile, every item optional.

The elements keep the regulation's numbering of its list of elements (U8 complaints, U9
facilities); its sample questionnaire happens to ask facilities before complaints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SCALE = (1, 2, 3, 4)
SUGGESTION_MAX = 500


@dataclass(frozen=True)
class Element:
    code: str  # U1 … U9
    name_id: str
    name_en: str
    question_id: str
    question_en: str
    answers_id: tuple[str, str, str, str]  # the words of 1, 2, 3 and 4
    answers_en: tuple[str, str, str, str]

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_id

    def question(self, language: str) -> str:
        return self.question_en if language == "en" else self.question_id

    def answers(self, language: str) -> tuple[str, str, str, str]:
        return self.answers_en if language == "en" else self.answers_id

    @property
    def column(self) -> str:
        """Its column in `survey_responses` (u1 … u9)."""
        return self.code.lower()


ELEMENTS: tuple[Element, ...] = (
    Element("U1", "Persyaratan", "Requirements",
            "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis "
            "pelayanannya?",
            "How well do the service's requirements fit the kind of service?",
            ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
            ("Not fitting", "Barely fitting", "Fitting", "Very fitting")),
    Element("U2", "Sistem, mekanisme dan prosedur", "System, mechanism and procedure",
            "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
            "How easy was the service procedure here?",
            ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
            ("Not easy", "Barely easy", "Easy", "Very easy")),
    Element("U3", "Waktu penyelesaian", "Time to complete",
            "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
            "How quickly was the service given?",
            ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
            ("Not quick", "Barely quick", "Quick", "Very quick")),
    Element("U4", "Biaya/tarif", "Cost/fee",
            "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
            "How fair was the cost or fee of the service?",
            ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
            ("Very expensive", "Rather expensive", "Cheap", "Free")),
    Element("U5", "Produk spesifikasi jenis pelayanan", "Product of the service",
            "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang "
            "tercantum dalam standar pelayanan dengan hasil yang diberikan?",
            "How well did what you received match what the service standard promises?",
            ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
            ("Not matching", "Barely matching", "Matching", "Fully matching")),
    Element("U6", "Kompetensi pelaksana", "Staff competence",
            "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
            "How competent was the officer who served you?",
            ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
            ("Not competent", "Barely competent", "Competent", "Very competent")),
    Element("U7", "Perilaku pelaksana", "Staff behaviour",
            "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait "
            "kesopanan dan keramahan?",
            "How polite and friendly was the officer?",
            ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah",
             "Sangat sopan dan ramah"),
            ("Not polite or friendly", "Barely polite and friendly", "Polite and friendly",
             "Very polite and friendly")),
    Element("U8", "Penanganan pengaduan, saran dan masukan",
            "Handling of complaints and suggestions",
            "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
            "How are complaints from service users handled here?",
            ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal",
             "Dikelola dengan baik"),
            ("There is none", "There is one, but it does not work", "It works, not fully",
             "Well managed")),
    Element("U9", "Sarana dan prasarana", "Facilities",
            "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
            "How good are the facilities?",
            ("Buruk", "Cukup", "Baik", "Sangat baik"),
            ("Poor", "Fair", "Good", "Very good")),
)

CODES = tuple(element.code for element in ELEMENTS)
BY_CODE = {element.code: element for element in ELEMENTS}


@dataclass(frozen=True)
class ProfileItem:
    key: str  # gender, age, education, occupation
    label_id: str
    label_en: str
    choices: tuple[tuple[str, str, str], ...]  # (code, Indonesian, English)

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_id

    def choice(self, code: str, language: str) -> str:
        for value, word_id, word_en in self.choices:
            if value == code:
                return word_en if language == "en" else word_id
        return code

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _, _ in self.choices)


PROFILE: tuple[ProfileItem, ...] = (
    ProfileItem("gender", "Jenis kelamin", "Gender",
                (("L", "Laki-laki", "Male"), ("P", "Perempuan", "Female"))),
    ProfileItem("age", "Umur", "Age",
                (("lt20", "Di bawah 20 tahun", "Under 20"), ("20-29", "20–29 tahun", "20–29"),
                 ("30-39", "30–39 tahun", "30–39"), ("40-49", "40–49 tahun", "40–49"),
                 ("50-59", "50–59 tahun", "50–59"), ("60plus", "60 tahun ke atas", "60 or over"))),
    ProfileItem("education", "Pendidikan terakhir", "Education",
                (("sd", "SD ke bawah", "Primary school or less"),
                 ("smp", "SMP", "Junior high school"), ("sma", "SMA/SMK", "Senior high school"),
                 ("d1d3", "D1–D3", "Diploma (D1–D3)"), ("d4s1", "D4/S1", "Bachelor (D4/S1)"),
                 ("s2", "S2", "Master (S2)"), ("s3", "S3", "Doctorate (S3)"))),
    ProfileItem("occupation", "Pekerjaan utama", "Occupation",
                (("pns", "PNS", "Civil servant"), ("tni", "TNI", "Armed forces"),
                 ("polri", "POLRI", "Police"), ("swasta", "Pegawai swasta", "Private employee"),
                 ("wirausaha", "Wirausaha", "Self-employed"),
                 ("pelajar", "Pelajar/Mahasiswa", "Student"), ("lainnya", "Lainnya", "Other"))),
)

PROFILE_BY_KEY = {item.key: item for item in PROFILE}


def questionnaire(language: str) -> dict[str, Any]:
    """The whole form in one language, as the pages draw it."""
    return {
        "language": "en" if language == "en" else "id",
        "scale": list(SCALE),
        "elements": [{"code": e.code, "name": e.name(language), "question": e.question(language),
                      "answers": [{"value": value, "label": label}
                                  for value, label in zip(SCALE, e.answers(language),
                                                          strict=True)]}
                     for e in ELEMENTS],
        "profile": [{"key": item.key, "label": item.label(language),
                     "choices": [{"value": code, "label": word_en if language == "en"
                                  else word_id} for code, word_id, word_en in item.choices]}
                    for item in PROFILE],
        "suggestion_max": SUGGESTION_MAX,
    }
