"""Construction facts the generators draw from: trades, CSI divisions, cost codes, names.

Data only. Divisions follow CSI MasterFormat; each trade has the division it works in, the
share of a typical budget it takes, the phase of the job when it is on site (fractions of
the project's duration), and a few things people ask it about.
"""

from __future__ import annotations

from typing import NamedTuple


class Trade(NamedTuple):
    name: str
    division: str  # two-digit CSI division
    division_name: str
    budget_weight: float  # share of a typical budget
    phase: tuple[float, float]  # on site from/to, as fractions of the project's duration
    sections: tuple[tuple[str, str], ...]  # spec sections: ("03 30 00", "Cast-in-Place Concrete")
    topics: tuple[str, ...]  # what RFIs, punch items and inspections are about


TRADES: tuple[Trade, ...] = (
    Trade("General Conditions", "01", "General Requirements", 0.08, (0.0, 1.0),
          (
           ("01 50 00", "Temporary Facilities and Controls"),
           ("01 74 00", "Cleaning and Waste Management"),
          ),
          ("temporary fencing", "site logistics plan", "dust control", "laydown area")),
    Trade("Demolition", "02", "Existing Conditions", 0.02, (0.0, 0.12),
          (("02 41 00", "Demolition"),),
          ("abandoned utilities", "hazardous material survey", "slab removal extent")),
    Trade("Concrete", "03", "Concrete", 0.12, (0.05, 0.45),
          (
           ("03 10 00", "Concrete Forming"),
           ("03 20 00", "Concrete Reinforcing"),
           ("03 30 00", "Cast-in-Place Concrete"),
          ),
          ("rebar lap splice", "slab edge embed", "pour sequence", "construction joint",
           "slab flatness")),
    Trade("Masonry", "04", "Masonry", 0.04, (0.2, 0.55),
          (("04 20 00", "Unit Masonry"),),
          ("CMU bond beam", "control joint spacing", "masonry veneer tie")),
    Trade("Steel Erection", "05", "Metals", 0.09, (0.15, 0.45),
          (("05 12 00", "Structural Steel Framing"), ("05 50 00", "Metal Fabrications")),
          ("moment connection", "embed plate", "beam penetration", "stair stringer")),
    Trade("Carpentry", "06", "Wood, Plastics, and Composites", 0.03, (0.3, 0.85),
          (("06 10 00", "Rough Carpentry"), ("06 40 00", "Architectural Woodwork")),
          ("blocking", "casework anchorage", "millwork finish")),
    Trade("Roofing", "07", "Thermal and Moisture Protection", 0.04, (0.35, 0.6),
          (("07 50 00", "Membrane Roofing"), ("07 92 00", "Joint Sealants")),
          ("roof drain", "parapet flashing", "membrane termination", "insulation thickness")),
    Trade("Glazing", "08", "Openings", 0.05, (0.4, 0.7),
          (
           ("08 11 00", "Metal Doors and Frames"),
           ("08 44 00", "Curtain Wall and Glazed Assemblies"),
          ),
          ("curtain wall anchor", "door hardware", "storefront sill", "glass tint")),
    Trade("Drywall", "09", "Finishes", 0.07, (0.5, 0.85),
          (("09 21 16", "Gypsum Board Assemblies"), ("09 51 00", "Acoustical Ceilings")),
          ("ceiling height", "wall type", "fire-rated partition", "soffit framing")),
    Trade("Painting", "09", "Finishes", 0.02, (0.7, 0.95),
          (("09 91 00", "Painting"),),
          ("paint colour", "touch-up", "coating system")),
    Trade("Flooring", "09", "Finishes", 0.03, (0.7, 0.95),
          (("09 65 00", "Resilient Flooring"), ("09 30 00", "Tiling")),
          ("floor transition", "tile layout", "moisture test")),
    Trade("Elevators", "14", "Conveying Equipment", 0.03, (0.45, 0.85),
          (("14 21 00", "Electric Traction Elevators"),),
          ("elevator pit", "hoistway", "machine room ventilation")),
    Trade("Fire Protection", "21", "Fire Suppression", 0.03, (0.4, 0.85),
          (("21 13 00", "Fire-Suppression Sprinkler Systems"),),
          ("sprinkler head layout", "standpipe", "fire pump")),
    Trade("Plumbing", "22", "Plumbing", 0.07, (0.2, 0.9),
          (("22 11 00", "Facility Water Distribution"), ("22 40 00", "Plumbing Fixtures")),
          ("sleeve location", "fixture rough-in", "cleanout access", "water heater")),
    Trade("HVAC", "23", "Heating, Ventilating, and Air Conditioning", 0.11, (0.3, 0.92),
          (
           ("23 31 00", "HVAC Ducts and Casings"),
           ("23 73 00", "Indoor Central-Station Air-Handling Units"),
          ),
          ("duct routing", "rooftop unit curb", "diffuser location", "VAV box access")),
    Trade("Electrical", "26", "Electrical", 0.1, (0.25, 0.95),
          (
           ("26 05 00", "Common Work Results for Electrical"),
           ("26 24 00", "Switchboards and Panelboards"),
           ("26 51 00", "Interior Lighting"),
          ),
          ("panel schedule", "conduit routing", "light fixture type", "receptacle height")),
    Trade("Low Voltage", "27", "Communications", 0.02, (0.6, 0.95),
          (("27 10 00", "Structured Cabling"),),
          ("data outlet", "IDF room", "cable tray")),
    Trade("Earthwork", "31", "Earthwork", 0.03, (0.0, 0.2),
          (("31 20 00", "Earth Moving"),),
          ("over-excavation", "soil compaction", "shoring")),
    Trade("Site Concrete and Paving", "32", "Exterior Improvements", 0.02, (0.75, 1.0),
          (("32 12 00", "Flexible Paving"), ("32 90 00", "Planting")),
          ("curb ramp", "paving section", "landscape irrigation")),
    Trade("Site Utilities", "33", "Utilities", 0.01, (0.05, 0.3),
          (("33 40 00", "Stormwater Utilities"),),
          ("storm drain invert", "utility crossing", "fire line tie-in")),
)  # fmt: skip

FIRST_NAMES = (
    "James", "Maria", "Robert", "Linda", "Michael", "Patricia", "David", "Jennifer", "Carlos",
    "Elizabeth", "Daniel", "Susan", "Kevin", "Jessica", "Brian", "Sarah", "Jose", "Karen", "Ryan",
    "Nancy", "Anthony", "Lisa", "Mark", "Ashley", "Luis", "Emily", "Steven", "Michelle", "Andrew",
    "Amanda", "Thomas", "Melissa", "Eric", "Rebecca", "Jason", "Laura", "Juan", "Stephanie",
    "Tyler", "Rachel", "Aaron", "Megan", "Nathan", "Hannah", "Wei", "Priya", "Tomasz", "Aisha",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "Garcia", "Williams", "Brown", "Martinez", "Davis", "Rodriguez", "Miller",
    "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis",
    "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill",
    "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
    "Carter", "Roberts", "Chen", "Patel", "Kowalski", "Okafor",
)  # fmt: skip
JOB_TITLES = (
    "Project Manager", "Project Engineer", "Superintendent", "Assistant Superintendent",
    "Project Executive", "Field Engineer", "Safety Manager", "Quality Manager",
    "Estimator", "Project Coordinator", "Foreman", "Architect", "Owner's Representative",
)  # fmt: skip
PERMISSION_TEMPLATES = (
    ("Project Manager", 501), ("Superintendent", 502), ("Project Engineer", 503),
    ("Subcontractor", 504), ("Architect/Engineer", 505), ("Owner", 506),
)  # fmt: skip
VENDOR_WORDS = (
    "Apex", "Keystone", "Pioneer", "Summit", "Allied", "Premier", "Cornerstone", "Frontier",
    "Liberty", "Heritage", "Pacific", "Atlas", "Benchmark", "Eagle", "Sterling", "Titan",
    "Precision", "Metro", "Valley", "Northstar", "Redline", "Bluewater", "Ironwood", "Unity",
)  # fmt: skip
OWNER_KINDS = (
    "Development LLC", "Health System", "Unified School District", "Properties Inc.",
    "Holdings LLC", "Community College", "Housing Partners", "Logistics REIT",
)  # fmt: skip
VENDOR_SUFFIXES = ("Inc.", "LLC", "Co.", "Group", "Services", "Contractors", "& Sons")
BUILDINGS = ("Building A", "Building B", "Parking Garage", "Site")
LEVELS = ("Basement", "Level 1", "Level 2", "Level 3", "Level 4", "Roof")
AREAS = ("North Wing", "South Wing", "Core", "Lobby", "Stair 1", "Stair 2", "Mechanical Room")
SUBMITTAL_TYPES = (
    (1, "Product Information"), (2, "Shop Drawing"), (3, "Sample"), (4, "Mock-Up"),
    (5, "O&M Manual"), (6, "Warranty"), (7, "Certificate"),
)  # fmt: skip
