"""A company's directory beyond its trade vendors and their contacts.

The fields of a directory user that take no random draws (address, templates, contact id),
the company's own entry and its projects' owners in the vendor directory, and the standard
cost codes a vendor works under. Kept apart from ``_context`` so that its random streams, and
so every other generated value, stay as they were.
"""

from __future__ import annotations

import random
from typing import Any

from ._base import DAY, Record, pick, record_id, stamp
from ._facts import OWNER_KINDS, Trade

CompanyContext = Any  # ._context.CompanyContext (which imports this module)


def firms(ctx: CompanyContext, seed: int) -> None:
    """The company itself and its projects' owners, in its vendor directory (no trade)."""
    rng = random.Random(f"{seed}/owners/{ctx.company.id}")
    home = ctx.company.projects[0]
    own = _firm(ctx, own_vendor_id(ctx), ctx.company.record["name"], home, 0)
    own["is_connected"] = True
    ctx.vendors.append(own)
    for n in range(min(12, 2 + len(ctx.company.projects) // 10)):
        place = ctx.company.projects[(n * 7) % len(ctx.company.projects)]
        name = f"{place['city']} {pick(rng, OWNER_KINDS)}"
        created = (ctx.today - 3000 + int(rng.random() * 1500)) * DAY
        ctx.owners.append(_firm(ctx, record_id(22, ctx.ordinal, 90_001 + n), name, place, created))
    ctx.vendors.extend(ctx.owners)


def _firm(ctx: CompanyContext, id_: int, name: str, place: Record, created: int) -> Record:
    """A directory company that is not a trade vendor (the builder, an owner)."""
    return {
        "id": id_,
        "name": name,
        "abbreviated_name": "".join(word[0] for word in name.split()[:3]).upper(),
        "legal_name": name,
        "company": name,
        "trade_name": None,
        "address": place["address"],
        "city": place["city"],
        "state_code": place["state_code"],
        "country_code": place["country_code"],
        "zip": place["zip"],
        "business_phone": None,
        "mobile_phone": None,
        "fax_number": None,
        "email_address": None,
        "website": None,
        "business_id": None,
        "license_number": None,
        "labor_union": None,
        "logo": None,
        "notes": None,
        "origin_id": None,
        "origin_data": None,
        "origin_code": None,
        "is_active": True,
        "is_connected": False,
        "authorized_bidder": False,
        "prequalified": False,
        "union_member": False,
        "non_union_prevailing_wage": False,
        "synced_to_erp": False,
        "company_vendor": True,
        "contact_count": 0,
        "children_count": 0,
        "created_at": stamp(created),
        "updated_at": stamp(created),
        "project_ids": [],
        "parent": None,
        "vendor_group": None,
        "primary_contact": None,
        "business_register": None,
        "attachments": [],
        "trades": [],
        "standard_cost_codes": [],
        "bidding_distribution": [],
        "bidding": BIDDING,
    }


#: A vendor's bidding certifications (none claimed).
BIDDING = dict.fromkeys(
    (
        "affirmative_action",
        "african_american_business",
        "asian_american_business",
        "certified_business_enterprise",
        "disadvantaged_business",
        "eight_a_business",
        "hispanic_business",
        "historically_underutilized_business",
        "minority_business_enterprise",
        "native_american_business",
        "sba_small_business",
        "small_business",
        "woman_business_enterprise",
    ),
    False,
)


def standard_code(trade: Trade, number: str) -> Record:
    """A company standard cost code of a spec section (the id cost codes point to)."""
    code = f"{trade.division}-{number[3:5]}{number[6]}"
    name = dict(trade.sections)[number]
    return {
        "id": record_id(28, 0, int(code.replace("-", "")[:5].ljust(5, "0"))),
        "standard_cost_code_list_id": 60001,
        "parent_id": record_id(28, 0, int(trade.division.ljust(5, "0"))),
        "code": code,
        "full_code": code,
        "name": name,
        "origin_id": None,
        "origin_data": None,
    }


def contact_fields(  # noqa: PLR0917 - an internal builder fed the record's parts in order
    ctx: CompanyContext,
    number: int,
    vendor: Record | None,
    first: str,
    last: str,
    title: str,
    created: int,
) -> Record:
    """The rest of a directory user (address, templates, ...): no random draws, so adding
    them left every other generated value as it was."""
    place = vendor or ctx.company.projects[number % len(ctx.company.projects)]
    employee = vendor is None
    return {
        "business_phone_extension": 100 + number % 900 if number % 4 == 0 else None,
        "contact_id": record_id(23, ctx.ordinal, 50_000 + number),
        "work_classification_id": 60_301 + number % 4 if employee else None,
        "business_id": None,
        "address": place["address"],
        "city": place["city"],
        "state_code": place["state_code"],
        "country_code": place["country_code"],
        "zip": place["zip"],
        "fax_number": None,
        "avatar": f"https://storage.procore.example.com/avatars/{number}.png"
        if number % 3 == 0
        else None,
        "email_signature": f"{first} {last}\n{title}",
        "notes": None,
        "origin_data": None,
        "erp_integrated_accountant": employee and number % 25 == 0,
        "welcome_email_sent_at": stamp(created),
        "company_permission_template": {
            "id": 510 + (number % 5 == 0),
            "name": "Company Admin" if number % 5 == 0 else "Company Standard",
            "project_specific": False,
            "type": "company_tools",
        }
        if employee
        else None,
        # v1.3's extended view only (see procore_nb.sandbox._filters.EXTENDED_ONLY)
        "role": title if employee else "Subcontractor",
        "verified_employee": employee,
    }


def own_vendor_id(ctx: CompanyContext) -> int:
    """The company's own entry in its vendor directory (its employees' ``vendor``)."""
    return record_id(22, ctx.ordinal, 0)


def primary_contact(contact: Record) -> Record:
    """A vendor's ``primary_contact``: its contact user's name, email and phones."""
    keys = ("id", "first_name", "last_name", "email_address", "business_phone", "mobile_phone")
    return {key: contact[key] for key in keys}


def owner_of(ctx: Any) -> Record:
    """The owner of a project (a ``ProjectContext``): a firm of the company's directory."""
    owners = ctx.company.owners
    return owners[ctx.ordinal % len(owners)]  # type: ignore[no-any-return]


def builder_of(ctx: Any) -> Record:
    """The company itself, as its vendor directory lists it (for a ``ProjectContext``)."""
    own = own_vendor_id(ctx.company)
    return next(v for v in reversed(ctx.company.vendors) if v["id"] == own)
