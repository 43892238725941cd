"""What the survey keeps: anonymous responses, and which tickets have answered.

A response is stored with what the index is grouped by (the service day, the service, its
agency, the counter) and never with the ticket, the officer, a time of day or anything that
names the visitor; its id is random, so not even the order of the rows follows the order of
the visits. That a ticket has answered is kept apart (`survey_receipts`), without a link to
its response: its primary key is what makes a second answer for the same ticket impossible,
even when two arrive at once.
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from queue_server.models import Base
from queue_server.survey.elements import CODES


def new_response_id() -> str:
    return secrets.token_hex(8)


def _answer() -> Mapped[int]:
    return mapped_column(SmallInteger)


class SurveyResponse(Base):
    """One visitor's answers: U1–U9 from 1 to 4, the profile and a suggestion (optional)."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_day", "day"),
        *(CheckConstraint(f"{code.lower()} BETWEEN 1 AND 4", name=f"{code.lower()}_scale")
          for code in CODES),
    )

    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_response_id)
    day: Mapped[date] = mapped_column(Date)  # the ticket's service day (site time)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))  # the service served
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("counters.id"))
    channel: Mapped[str] = mapped_column(String(10))  # phone, screen
    u1: Mapped[int] = _answer()
    u2: Mapped[int] = _answer()
    u3: Mapped[int] = _answer()
    u4: Mapped[int] = _answer()
    u5: Mapped[int] = _answer()
    u6: Mapped[int] = _answer()
    u7: Mapped[int] = _answer()
    u8: Mapped[int] = _answer()
    u9: Mapped[int] = _answer()
    gender: Mapped[str | None] = mapped_column(String(16))
    age: Mapped[str | None] = mapped_column(String(16))
    education: Mapped[str | None] = mapped_column(String(16))
    occupation: Mapped[str | None] = mapped_column(String(16))
    suggestion: Mapped[str | None] = mapped_column(Text)


class SurveyReceipt(Base):
    """This ticket has answered (one response per ticket)."""

    __tablename__ = "survey_receipts"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
