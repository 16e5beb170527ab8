"""Fenbridge District Council: the fictional council the demo feeds describe.

Everything here is invented. Place names are made up, postcodes use the `FB` area (not a real
postcode area), telephone numbers come from Ofcom's ranges reserved for drama, and e-mail
addresses use the domains reserved for examples (RFC 2606).
"""

from dataclasses import dataclass

import numpy as np

from data.vocabulary import CHANNELS

# Shares within the digital and the assisted channels at the start and at the end of the
# transformation programme: web forms and the app take over from e-mail; the front desk and
# letters wither first because they cost the most.
DIGITAL_MIX_START = {"email": 0.32, "web": 0.44, "webchat": 0.10, "social_media": 0.06, "app": 0.08}
DIGITAL_MIX_END = {"email": 0.18, "web": 0.48, "webchat": 0.13, "social_media": 0.05, "app": 0.16}
ASSISTED_MIX_START = {"phone": 0.68, "face_to_face": 0.17, "letter": 0.12, "other": 0.03}
ASSISTED_MIX_END = {"phone": 0.80, "face_to_face": 0.10, "letter": 0.06, "other": 0.04}

FAILURE_REASONS = {
    "progress_chasing": "Chasing progress of an earlier request",
    "not_done_right": "Earlier request not done right",
    "unclear_communication": "Did not understand our letter or e-mail",
    "repeat_request": "Asking again: earlier request not actioned",
    "missed_collection": "Bin not collected on the scheduled day",
}
GENERAL_FAILURE = {"progress_chasing": 4, "not_done_right": 3, "unclear_communication": 2,
                   "repeat_request": 1}
BIN_FAILURE = {"missed_collection": 6, "progress_chasing": 2, "not_done_right": 1,
               "repeat_request": 1}

COMPLAINT_CATEGORIES = ("missed collection", "staff conduct", "delay", "incorrect bill",
                        "communication", "policy")
BILLING_COMPLAINTS = {"incorrect bill": 4, "delay": 3, "communication": 2, "staff conduct": 1,
                      "policy": 1}
BIN_COMPLAINTS = {"missed collection": 6, "staff conduct": 2, "communication": 1, "policy": 1}
CASEWORK_COMPLAINTS = {"delay": 4, "communication": 3, "staff conduct": 2, "policy": 2}


@dataclass(frozen=True)
class Service:
    name: str
    share: float                  # share of contacts in an average month
    season: tuple[float, ...]     # volume multiplier, January to December
    teams: tuple[str, ...]
    reasons: tuple[str, ...]      # value demand, in the council's coding
    failure_types: dict[str, int]
    complaint_share: float        # share of complaints
    complaint_categories: dict[str, int]
    channel_tilt: dict[str, float]  # how far this service's customers lean to a channel


SERVICES = (
    Service("Council Tax", 0.23,
            (1.00, 0.95, 1.75, 1.55, 1.05, 0.90, 0.90, 0.90, 0.90, 0.90, 0.90, 0.80),
            ("Council Tax Billing", "Council Tax Recovery", "Council Tax Discounts"),
            ("Set up a Direct Debit", "Moving in or out of the district",
             "Apply for a single person discount", "Question about the annual bill",
             "Arrange a payment plan"),
            GENERAL_FAILURE, 0.18, BILLING_COMPLAINTS, {"web": 1.2, "phone": 1.1}),
    Service("Waste and Recycling", 0.18,
            (1.25, 1.00, 0.95, 1.00, 1.00, 1.05, 1.05, 1.00, 0.95, 0.95, 0.95, 1.05),
            ("Waste Operations", "Bulky Waste", "Recycling Advice"),
            ("Order a new or replacement bin", "Book a bulky waste collection",
             "Check collection day", "Assisted collection request"),
            BIN_FAILURE, 0.27, BIN_COMPLAINTS, {"web": 1.3, "app": 1.4, "letter": 0.5}),
    Service("Garden Waste", 0.05,
            (0.55, 1.50, 2.30, 1.90, 1.10, 0.90, 0.80, 0.80, 0.70, 0.60, 0.45, 0.35),
            ("Garden Waste Subscriptions", "Waste Operations"),
            ("Renew garden waste subscription", "New garden waste subscription",
             "Change of address for subscription"),
            BIN_FAILURE, 0.06, BIN_COMPLAINTS, {"web": 1.6, "app": 1.3, "face_to_face": 0.4}),
    Service("Housing Benefit", 0.09,
            (1.00, 0.95, 1.05, 1.25, 1.05, 0.95, 0.95, 0.95, 0.95, 1.00, 1.00, 0.90),
            ("Benefits Assessment", "Benefits Overpayments"),
            ("New claim", "Report a change of circumstances", "Provide evidence for a claim",
             "Council Tax Reduction query"),
            GENERAL_FAILURE, 0.09, CASEWORK_COMPLAINTS,
            {"face_to_face": 1.8, "letter": 1.4, "app": 0.5}),
    Service("Planning", 0.06,
            (0.85, 0.90, 1.05, 1.10, 1.15, 1.10, 1.05, 0.95, 1.00, 1.00, 0.95, 0.80),
            ("Development Management", "Planning Enforcement", "Building Control"),
            ("Pre-application advice", "Comment on a planning application",
             "Report a breach of planning control", "Building regulations inspection"),
            GENERAL_FAILURE, 0.10, CASEWORK_COMPLAINTS,
            {"email": 1.6, "web": 1.2, "phone": 0.8}),
    Service("Licensing", 0.03,
            (1.00, 1.00, 1.00, 1.05, 1.10, 1.10, 1.05, 1.00, 0.95, 0.95, 0.95, 0.90),
            ("Licensing",),
            ("Taxi driver licence", "Premises licence application", "Temporary event notice",
             "Street trading consent"),
            GENERAL_FAILURE, 0.03, CASEWORK_COMPLAINTS, {"email": 1.5, "web": 1.2}),
    Service("Parking", 0.06,
            (0.95, 0.95, 1.00, 1.00, 1.05, 1.10, 1.15, 1.15, 1.00, 0.95, 0.95, 1.10),
            ("Parking Services", "Civil Enforcement"),
            ("Residents' parking permit", "Challenge a penalty charge notice",
             "Pay a penalty charge notice", "Report obstructive parking"),
            GENERAL_FAILURE, 0.08, BILLING_COMPLAINTS, {"web": 1.3, "app": 1.5}),
    Service("Environmental Health", 0.05,
            (0.80, 0.85, 0.95, 1.00, 1.10, 1.25, 1.30, 1.25, 1.05, 0.95, 0.85, 0.80),
            ("Food Safety", "Environmental Protection", "Pest Control"),
            ("Report a noise nuisance", "Book pest control", "Food hygiene concern",
             "Report an air quality problem"),
            GENERAL_FAILURE, 0.06, CASEWORK_COMPLAINTS, {"phone": 1.2}),
    Service("Housing Options", 0.08,
            (1.15, 1.05, 1.00, 1.00, 0.95, 0.95, 0.95, 0.95, 1.00, 1.05, 1.05, 1.05),
            ("Housing Options", "Homelessness Prevention", "Housing Register"),
            ("Threatened with homelessness", "Join the housing register",
             "Temporary accommodation query", "Housing advice"),
            GENERAL_FAILURE, 0.08, CASEWORK_COMPLAINTS,
            {"face_to_face": 2.5, "phone": 1.3, "app": 0.4, "social_media": 0.5}),
    Service("Street Cleansing", 0.04,
            (0.85, 0.85, 0.90, 0.95, 1.00, 1.00, 1.05, 1.05, 1.00, 1.20, 1.30, 0.90),
            ("Street Scene", "Fly-tipping Enforcement"),
            ("Report fly-tipping", "Report dog fouling", "Request a street sweep",
             "Report graffiti"),
            GENERAL_FAILURE, 0.03, BIN_COMPLAINTS, {"app": 1.8, "web": 1.3, "letter": 0.4}),
    Service("Revenues – Business Rates", 0.04,
            (0.95, 0.95, 1.45, 1.45, 1.05, 0.95, 0.90, 0.90, 0.90, 0.95, 0.95, 0.80),
            ("Business Rates",),
            ("Apply for small business rate relief", "Business moving premises",
             "Question about the rates bill", "Set up a Direct Debit"),
            GENERAL_FAILURE, 0.02, BILLING_COMPLAINTS, {"email": 1.5, "letter": 1.3}),
    Service("Elections", 0.015,
            (0.60, 0.60, 1.10, 3.00, 4.00, 1.40, 0.80, 1.30, 1.40, 1.30, 0.80, 0.50),
            ("Electoral Services",),
            ("Register to vote", "Apply for a postal vote", "Household enquiry form",
             "Polling station query"),
            GENERAL_FAILURE, 0.0, CASEWORK_COMPLAINTS, {"letter": 1.8, "web": 1.2}),
)

# Service shares of compliments: the crews people see get thanked most.
COMPLIMENT_SHARE = {"Waste and Recycling": 0.30, "Street Cleansing": 0.12, "Garden Waste": 0.10,
                    "Council Tax": 0.12, "Housing Options": 0.10, "Housing Benefit": 0.08,
                    "Environmental Health": 0.08, "Planning": 0.04, "Licensing": 0.02,
                    "Parking": 0.02, "Revenues – Business Rates": 0.01, "Elections": 0.01}

# Ward name and its relative size (electors), for drill-down by locality.
WARDS = (
    ("Abbey Fields", 1.1), ("Ashby Marsh", 0.7), ("Birchmoor", 0.9), ("Brookside", 1.0),
    ("Castle Mead", 1.2), ("Deeping Fen", 0.6), ("Eastgate", 1.3), ("Fenbridge Central", 1.6),
    ("Fenbridge North", 1.4), ("Hallow End", 0.8), ("Kingsholme", 1.0), ("Marsh Lane", 0.9),
    ("Millbrook", 1.0), ("Northwold", 0.7), ("Oakhurst", 1.1), ("Priory Gate", 1.2),
    ("Riverside Fen", 1.3), ("St Botolph's", 0.9), ("Westmere", 1.0), ("Willow Drove", 0.5),
)

COMMENTS_PRAISE = (
    "Quick and easy, thank you",
    "The online form was simple and I got a reply the same day",
    "Very helpful adviser, sorted everything in one call",
    "Much easier than last year, well done",
    "Clear letter, I knew exactly what to do",
)
COMMENTS_NEUTRAL = (
    "Fine, but it took a while to find the right page",
    "Got there in the end",
    "OK but I had to give my details twice",
)
COMMENTS_COMPLAINT = (
    "Waited over 20 minutes on the phone, then got cut off",
    "Third time I have reported this and still nothing done",
    "Nobody called me back as promised",
    "The bill is wrong again and nobody can explain why",
    "Your website kept timing out",
)
# Comments that carry personal details, so that masking on the way in has something to mask.
COMMENTS_WITH_DETAILS = (
    "Please ring me back on {mobile}, nobody has",
    "You can reach me at {email} if you need more",
    "Still waiting for an answer at {postcode}, call {landline}",
    "My e-mail is {email} and my postcode is {postcode}",
)


def per_channel(values: dict[str, float], default: float = 0.0) -> np.ndarray:
    """A value for each channel, in `CHANNELS` order, for indexing by channel code."""
    return np.array([values.get(c, default) for c in CHANNELS])


def per_service(values: dict[str, float], default: float = 0.0) -> np.ndarray:
    """A value for each service, in `SERVICES` order, for indexing by service code."""
    return np.array([values.get(s.name, default) for s in SERVICES])
