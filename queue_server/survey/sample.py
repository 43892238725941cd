"""The minimum number of respondents for a population, by the Krejcie–Morgan table that
PermenPANRB No. 14 of 2017 refers to (the population: the visitors served in the period).

The table comes from s = X²·N·P(1−P) / (d²(N−1) + X²·P(1−P)) with X² = 3.841 (95 %
confidence), P = 0.5 and d = 0.05, rounded. Between two rows of the table the larger
population's row is taken: never fewer respondents than the table asks for; above
1,000,000 the table's last row (384).
"""

from __future__ import annotations

from bisect import bisect_left

# (population N, sample S), as printed in Krejcie & Morgan (1970), Table 1.
TABLE: tuple[tuple[int, int], ...] = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44),
    (55, 48), (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70), (90, 73),
    (95, 76), (100, 80), (110, 86), (120, 92), (130, 97), (140, 103), (150, 108),
    (160, 113), (170, 118), (180, 123), (190, 127), (200, 132), (210, 136), (220, 140),
    (230, 144), (240, 148), (250, 152), (260, 155), (270, 159), (280, 162), (290, 165),
    (300, 169), (320, 175), (340, 181), (360, 186), (380, 191), (400, 196), (420, 201),
    (440, 205), (460, 210), (480, 214), (500, 217), (550, 226), (600, 234), (650, 242),
    (700, 248), (750, 254), (800, 260), (850, 265), (900, 269), (950, 274), (1000, 278),
    (1100, 285), (1200, 291), (1300, 297), (1400, 302), (1500, 306), (1600, 310),
    (1700, 313), (1800, 317), (1900, 320), (2000, 322), (2200, 327), (2400, 331),
    (2600, 335), (2800, 338), (3000, 341), (3500, 346), (4000, 351), (4500, 354),
    (5000, 357), (6000, 361), (7000, 364), (8000, 367), (9000, 368), (10000, 370),
    (15000, 375), (20000, 377), (30000, 379), (40000, 380), (50000, 381), (75000, 382),
    (1000000, 384),
)
_POPULATIONS = [population for population, _ in TABLE]


def krejcie_morgan(population: int) -> float:
    """The formula behind the table (not rounded)."""
    chi2, p, d = 3.841, 0.5, 0.05
    return chi2 * population * p * (1 - p) / (d * d * (population - 1) + chi2 * p * (1 - p))


def minimum_sample(population: int) -> int:
    """The respondents the table asks for `population` visitors: all of them below 10."""
    if population <= 0:
        return 0
    if population < TABLE[0][0]:
        return population
    at = bisect_left(_POPULATIONS, population)
    return TABLE[min(at, len(TABLE) - 1)][1]
