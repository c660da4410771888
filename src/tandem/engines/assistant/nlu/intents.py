"""The product's intents, their topics, and how labels of public data sets map onto them."""

from __future__ import annotations

from enum import StrEnum

from tandem.domain.skills import Topic


class Intent(StrEnum):
    PAYMENT_SCHEDULE = "payment_schedule"
    MAKE_PAYMENT = "make_payment"
    PAYMENT_FAILED = "payment_failed"
    PAUSE_PAYMENT = "pause_payment"
    CHANGE_DUE_DATE = "change_due_date"
    LATE_FEE = "late_fee"
    HARDSHIP = "hardship"
    RESEND_INVOICE = "resend_invoice"
    ORDER_STATUS = "order_status"
    REQUEST_REFUND = "request_refund"
    REFUND_STATUS = "refund_status"
    DISPUTE = "dispute"
    FRAUD = "fraud"
    CARD_PROBLEM = "card_problem"
    UPDATE_DETAILS = "update_details"
    CLOSE_ACCOUNT = "close_account"
    COMPLAINT = "complaint"
    TALK_TO_HUMAN = "talk_to_human"
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    OTHER = "other"


TOPIC_OF: dict[Intent, Topic | None] = {
    Intent.PAYMENT_SCHEDULE: Topic.PAYMENTS,
    Intent.MAKE_PAYMENT: Topic.PAYMENTS,
    Intent.PAYMENT_FAILED: Topic.PAYMENTS,
    Intent.PAUSE_PAYMENT: Topic.PAYMENTS,
    Intent.CHANGE_DUE_DATE: Topic.PAYMENTS,
    Intent.LATE_FEE: Topic.PAYMENTS,
    Intent.HARDSHIP: Topic.HARDSHIP,
    Intent.RESEND_INVOICE: Topic.PAYMENTS,
    Intent.ORDER_STATUS: Topic.ACCOUNT,
    Intent.REQUEST_REFUND: Topic.REFUNDS,
    Intent.REFUND_STATUS: Topic.REFUNDS,
    Intent.DISPUTE: Topic.DISPUTES,
    Intent.FRAUD: Topic.FRAUD,
    Intent.CARD_PROBLEM: Topic.PAYMENTS,
    Intent.UPDATE_DETAILS: Topic.ACCOUNT,
    Intent.CLOSE_ACCOUNT: Topic.ACCOUNT,
    Intent.COMPLAINT: Topic.ACCOUNT,
    Intent.TALK_TO_HUMAN: None,
    Intent.GREETING: None,
    Intent.THANKS: None,
    Intent.GOODBYE: None,
    Intent.OTHER: None,
}

# BANKING77 category -> product intent; categories not listed become OTHER (sampled).
BANKING77: dict[str, Intent] = {
    "card_payment_not_recognised": Intent.DISPUTE,
    "direct_debit_payment_not_recognised": Intent.DISPUTE,
    "cash_withdrawal_not_recognised": Intent.DISPUTE,
    "transaction_charged_twice": Intent.DISPUTE,
    "extra_charge_on_statement": Intent.DISPUTE,
    "compromised_card": Intent.FRAUD,
    "lost_or_stolen_card": Intent.FRAUD,
    "lost_or_stolen_phone": Intent.FRAUD,
    "card_not_working": Intent.CARD_PROBLEM,
    "declined_card_payment": Intent.CARD_PROBLEM,
    "card_arrival": Intent.CARD_PROBLEM,
    "pin_blocked": Intent.CARD_PROBLEM,
    "contactless_not_working": Intent.CARD_PROBLEM,
    "card_swallowed": Intent.CARD_PROBLEM,
    "virtual_card_not_working": Intent.CARD_PROBLEM,
    "request_refund": Intent.REQUEST_REFUND,
    "Refund_not_showing_up": Intent.REFUND_STATUS,
    "terminate_account": Intent.CLOSE_ACCOUNT,
    "edit_personal_details": Intent.UPDATE_DETAILS,
    "passcode_forgotten": Intent.UPDATE_DETAILS,
    "failed_transfer": Intent.PAYMENT_FAILED,
    "top_up_failed": Intent.PAYMENT_FAILED,
}

# Bitext customer-support intent -> product intent; intents not listed become OTHER (sampled).
BITEXT: dict[str, Intent] = {
    "contact_human_agent": Intent.TALK_TO_HUMAN,
    "complaint": Intent.COMPLAINT,
    "get_refund": Intent.REQUEST_REFUND,
    "check_refund_policy": Intent.REQUEST_REFUND,
    "track_refund": Intent.REFUND_STATUS,
    "payment_issue": Intent.PAYMENT_FAILED,
    "get_invoice": Intent.RESEND_INVOICE,
    "check_invoice": Intent.RESEND_INVOICE,
    "check_invoices": Intent.RESEND_INVOICE,
    "track_order": Intent.ORDER_STATUS,
    "delivery_period": Intent.ORDER_STATUS,
    "delete_account": Intent.CLOSE_ACCOUNT,
    "edit_account": Intent.UPDATE_DETAILS,
    "recover_password": Intent.UPDATE_DETAILS,
    "change_shipping_address": Intent.UPDATE_DETAILS,
}
# Ambiguous between asking for a person and asking for contact details: left out of training.
BITEXT_SKIPPED = frozenset({"contact_customer_service"})

# NLU++ (banking) labels; an example counts when it carries exactly one of these.
NLUPP: dict[str, Intent] = {
    "greet": Intent.GREETING,
    "thank": Intent.THANKS,
    "end_call": Intent.GOODBYE,
    "handoff": Intent.TALK_TO_HUMAN,
    "lost_stolen": Intent.FRAUD,
    "refund": Intent.REQUEST_REFUND,
}
