"""The bounds on what one input may cost: archives unpacked, pages read, documents extracted.

An archive is untrusted input: a 212 KB zip can expand to 200 MB, a 700-byte PDF can declare a
page of 5 by 5 metres that renders to gigabytes, a damaged PDF can parse for an hour. Every bound
lives here, named, defaulted and overridable by an environment variable `EVALGRAPH_<NAME>` (for
instance EVALGRAPH_DOCUMENT_SECONDS=1200); what exceeds one fails alone, with the bound named in
its reason, and the other documents go on.
"""

from __future__ import annotations

import os

from pydantic import BaseModel, Field

MB = 1 << 20


class Limits(BaseModel):
    # archives (pipeline.archive)
    zip_member_mb: int = Field(200, description="largest PDF unpacked from a zip (uncompressed)")
    zip_total_mb: int = Field(4096, description="all members of one ingest's zips together, uncompressed")
    zip_ratio: int = Field(100, description="largest uncompressed/compressed ratio of a member: PDFs compress "
                                            "about 1.1 to 5 times, a zip bomb a thousand times")
    zip_depth: int = Field(3, description="zips inside zips are walked this deep")
    zip_members: int = Field(20000, description="entries read from one zip")
    # pages (pipeline.pages, pipeline.ocr)
    page_area_m2: float = Field(2.0, description="largest page read, in square metres (A0 is 1 m²): the "
                                                 "PDF format allows 5 m by 5 m pages")
    render_megapixels: float = Field(40.0, description="largest picture a scanned page is rendered to for OCR "
                                                       "(A4 at 300 dpi is 8.7 Mpx); larger pages are read at a "
                                                       "lower resolution, down to ocr_min_dpi")
    ocr_min_dpi: int = Field(150, description="below this resolution OCR reads nothing useful: the page is skipped")
    # documents (flows.extraction_pool)
    pdf_mb: int = Field(500, description="largest PDF file extracted")
    document_seconds: float = Field(900.0, description="time one document's extraction may take (OCR reads about "
                                                       "a page every 2 seconds)")
    worker_memory_mb: int = Field(3072, description="address space of one extraction worker process")

    @classmethod
    def from_env(cls) -> Limits:
        values = {name: os.environ[f"EVALGRAPH_{name.upper()}"] for name in cls.model_fields
                  if os.environ.get(f"EVALGRAPH_{name.upper()}")}
        return cls.model_validate(values)

    @staticmethod
    def variable(name: str) -> str:
        """The environment variable that sets the bound `name`, for messages."""
        return f"EVALGRAPH_{name.upper()}"


def limits() -> Limits:
    """The bounds as the environment sets them now (a few variables read: cheap enough per page)."""
    return Limits.from_env()


POINTS_PER_METRE = 72 / 0.0254
