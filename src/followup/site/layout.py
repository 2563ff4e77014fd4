"""The generated pages of a build laid out among MkDocs' files, from the contact files alone (git may still be
reading the history): a page per person, the lists, a page per category and per owner, each with its URL."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import cast

from mkdocs.structure.files import Files, InclusionLevel

from followup.core.contact import Contact
from followup.core.settings import Settings
from followup.formats.links import category_source, organisation_source, owner_source, person_source
from followup.site.incremental import GeneratedFile
from followup.site.pages import (
    CATEGORY,
    LISTS,
    ORGANISATION,
    ORGANISATIONS,
    ORGANISATIONS_IN_NAV,
    OWNER,
    OWNERS,
    OWNERS_IN_NAV,
    PERSON,
    PLANS,
    PLANS_IN_NAV,
    GeneratedPage,
    PersonPage,
)
from followup.store.journal import UNOWNED, category_names, organisation_names, owner_names, written_owners


class Layout:
    def __init__(self) -> None:
        self.pages: dict[str, GeneratedPage] = {}
        self.urls: dict[str, str] = {}
        self.contact_at: dict[str, Contact] = {}  # the contact of each person page, by its src_uri
        self.category_at: dict[str, str] = {}
        self.owner_at: dict[str, str] = {}  # the owner's key of each owner page, by its src_uri
        self.organisation_at: dict[str, str] = {}  # the organisation's key of each organisation page

    def lay_out(self, files: Files, config, contacts: list[Contact], settings: Settings, root: Path, own_nav: bool,
                local_edit_url: Callable[[Contact], str] | None,
                render_failed: Callable[[Contact, Exception], None]
                ) -> tuple[Files, list[tuple[GeneratedFile, PersonPage]]]:
        """MkDocs' files with the contact files taken out and the generated pages in, and the person pages.
        `own_nav`: the navigation is followup's, and gets the owners' page in a journal with owners;
        `local_edit_url`: a site served here, whose Edit link may open a local editor."""
        # Only generated pages are published: a photo, a stray file or a symbolic link to something
        # outside the journal in the contacts folder is never copied into the site.
        docs_dir = os.path.normpath(config.docs_dir)
        files = Files([file for file in files if file.src_dir is None or os.path.normpath(file.src_dir) != docs_dir])
        for file in files:  # the theme's own: a journal's exclude_docs ("*": no contact file is a page) is not for them
            if file.inclusion is InclusionLevel.UNDEFINED:
                file.inclusion = InclusionLevel.INCLUDED
        # Owners are in the navigation of a journal that has some: a personal journal does without the page.
        owners = owner_names(settings, written_owners(contacts))
        owned = bool(owners)
        organisations = organisation_names(contacts)
        if own_nav:  # before Problems
            config.nav[-1:-1] = [*([dict(PLANS_IN_NAV)] if settings.plans else []),
                                 *([dict(ORGANISATIONS_IN_NAV)] if organisations else []),
                                 *([dict(OWNERS_IN_NAV)] if owned else [])]
        person_pages: list[tuple[GeneratedFile, PersonPage]] = []
        for contact in contacts:
            self.contact_at[person_source(contact.slug)] = contact
            file = self._add(files, config, GeneratedPage(PERSON, person_source(contact.slug), contact),
                             "" if contact.notes_as_text else contact.notes)
            # MkDocs makes the page's edit_url from repo_url and edit_uri (or edit_uri_template) and this path.
            file.edit_uri = os.path.relpath(root / contact.path, config.docs_dir).replace(os.sep, "/")
            page = PersonPage(file, config, contact, render_failed)
            if page.edit_url is None and local_edit_url is not None:
                page.edit_url = local_edit_url(contact)
            person_pages.append((file, page))
        # The lists come last: MkDocs draws pages in this order, and by the time it gets to them a child has
        # drawn them (helper.py), while the build would draw them at once if they came first.
        for kind, src_uri in LISTS.items():
            self._add(files, config, GeneratedPage(kind, src_uri),
                      in_nav=kind.in_nav or (kind is OWNERS and owned) or (kind is PLANS and bool(settings.plans))
                      or (kind is ORGANISATIONS and bool(organisations)))
        for category in category_names(contacts).values():
            self.category_at[category_source(category)] = category
            self._add(files, config, GeneratedPage(CATEGORY, category_source(category), category))
        for key, name in organisations.items():
            self.organisation_at[organisation_source(key)] = key
            self._add(files, config, GeneratedPage(ORGANISATION, organisation_source(key), key, name))
        unowned = owned and any(not contact.owner for contact in contacts)
        for key, name in [*owners.items(), *([(UNOWNED, UNOWNED)] if unowned else [])]:
            self.owner_at[owner_source(key)] = key
            self._add(files, config, GeneratedPage(OWNER, owner_source(key), key, name))
        return files, person_pages

    def _add(self, files: Files, config, page: GeneratedPage, markdown: str = "", in_nav: bool = False
             ) -> GeneratedFile:
        inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
        # A leading newline keeps MkDocs from reading a note that opens with '---' as page metadata.
        file = cast(GeneratedFile, GeneratedFile.generated(config, page.src_uri, content="\n" + markdown,
                                                           inclusion=inclusion))
        files.append(file)
        self.pages[page.src_uri] = page
        self.urls[page.src_uri] = file.url
        return file

    def page(self, page) -> GeneratedPage | None:
        return self.pages.get(page.file.src_uri)
