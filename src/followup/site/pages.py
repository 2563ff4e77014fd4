"""The pages followup adds to a MkDocs site: a typed table of their kinds, and the person page's Page subclass."""

from __future__ import annotations

import html
from dataclasses import dataclass

from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from followup.core.contact import Contact


@dataclass(frozen=True, slots=True)
class PageKind:
    """A kind of generated page: drawn by followup/<name>.html, titled by `title` or else by its subject
    (a person's name, a category), listed in the navigation or not."""

    name: str
    title: str | None = None
    in_nav: bool = False

    @property
    def template(self) -> str:
        return f"followup/{self.name}.html"


DUE = PageKind("due", "Due", in_nav=True)
PEOPLE = PageKind("people", "People", in_nav=True)
CATEGORIES = PageKind("categories", "Hit list", in_nav=True)
INACTIVE = PageKind("inactive", "Inactive", in_nav=True)
REVIEW = PageKind("review", "Review", in_nav=True)
OWNERS = PageKind("owners", "Owners")  # in the navigation of a journal with owners only (Layout)
PLANS = PageKind("plans", "Plans")  # in the navigation of a journal whose settings name plans (Layout)
ORGANISATIONS = PageKind("organisations", "Organisations")  # in the navigation when anyone names one (Layout)
PROBLEMS = PageKind("problems", "Problems", in_nav=True)
CATEGORY = PageKind("category")
OWNER = PageKind("owner")
ORGANISATION = PageKind("organisation")
PERSON = PageKind("person")

# The pages of everyone, each at its own place; a page per category, per owner and per person come with them.
LISTS = {DUE: "index.md", PEOPLE: "people/index.md", CATEGORIES: "categories/index.md", INACTIVE: "inactive.md",
         REVIEW: "review.md", PLANS: "plans.md", ORGANISATIONS: "organisations/index.md", OWNERS: "owners/index.md",
         PROBLEMS: "problems.md"}
NAV = [{kind.title: src_uri} for kind, src_uri in LISTS.items() if kind.in_nav]
OWNERS_IN_NAV = {OWNERS.title: LISTS[OWNERS]}
PLANS_IN_NAV = {PLANS.title: LISTS[PLANS]}
ORGANISATIONS_IN_NAV = {ORGANISATIONS.title: LISTS[ORGANISATIONS]}


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    kind: PageKind
    src_uri: str
    subject: Contact | str | None = None  # the person's contact, the category's name, the owner's key, or nobody
    subject_name: str | None = None  # how the page names its subject, when not as the subject itself

    @property
    def title(self) -> str:
        if self.kind.title is not None:
            return self.kind.title
        if isinstance(self.subject, Contact):
            return self.subject.name
        return self.subject_name or str(self.subject)


class PersonPage(Page):
    """A person's page. Their notes are rendered in a guarded step: notes that break Markdown (a list
    nested hundreds deep is a RecursionError) or that it cannot read in reasonable time are shown as
    written, one problem on /problems/, and the rest of the journal builds."""

    def __init__(self, file: File, config, contact: Contact, on_failure):
        super().__init__(None, file, config)
        self.contact = contact
        self.on_failure = on_failure

    def render(self, config, files: Files) -> None:
        if not self.contact.notes_as_text:
            try:
                super().render(config, files)
                return
            except Exception as error:  # any failure of any extension is this one page's
                self.on_failure(self.contact, error)
        self.content = f"<pre class=\"fu-notes-text\">{html.escape(self.contact.notes)}</pre>"
        self.toc = get_toc([])
        self.present_anchor_ids = set()
        self.links_to_anchors = {}
