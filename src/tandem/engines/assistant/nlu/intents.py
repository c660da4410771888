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

# Hand-written examples in the words of a buy-now-pay-later customer.
SEED: dict[Intent, tuple[str, ...]] = {
    Intent.PAYMENT_SCHEDULE: (
        "when is my next payment due",
        "when is my next instalment",
        "how much do I owe this month",
        "show me my payment plan",
        "what are my upcoming payments",
        "how many payments are left",
        "when will you take the next payment",
        "what's my remaining balance",
        "when do I have to pay",
        "payment schedule please",
        "how much is left to pay on my order",
        "what date is the next installment",
        "when is the last payment on my pay in 4 plan",
        "can I see my installments",
    ),
    Intent.MAKE_PAYMENT: (
        "I want to pay now",
        "can I pay off my balance early",
        "pay my invoice",
        "I'd like to make a payment",
        "how do I pay the rest",
        "pay the full amount today",
        "I want to settle my balance",
        "can I pay an installment early",
        "how can I pay my bill",
        "pay off everything I owe",
    ),
    Intent.PAUSE_PAYMENT: (
        "can I pause my payments",
        "I need to postpone my next payment",
        "pause my payment plan",
        "can you delay my installment",
        "can I skip this month's payment",
        "put my payments on hold",
        "I want to postpone the invoice",
        "can I get an extension on my payment",
        "snooze my payment",
        "extend the due date by a few days",
        "I need more time to pay",
        "can I pay later than planned",
    ),
    Intent.CHANGE_DUE_DATE: (
        "can I change my due date",
        "move my payment date to the 25th",
        "I want a different payment day",
        "change the date my installment is taken",
        "my payday is later can you move the due date",
        "switch my due date to the end of the month",
        "can the payment come out on another day",
    ),
    Intent.LATE_FEE: (
        "why was I charged a late fee",
        "remove the late fee",
        "I got a reminder fee",
        "what happens if I pay late",
        "is there a fee for missing a payment",
        "why is there a penalty",
        "can you waive the late fee",
        "I was charged a late payment fee unfairly",
        "how much is the late fee",
        "there's an extra fee on my invoice",
        "reminder fee on my account",
    ),
    Intent.HARDSHIP: (
        "I can't afford my payments",
        "I lost my job and can't pay",
        "I'm in financial difficulty",
        "I can't pay this month",
        "I have no money to pay",
        "I'm struggling to pay my debts",
        "I'm unemployed and can't make the payment",
        "I'm sick and can't work",
        "my partner died and I can't pay",
        "I'm in debt and need help",
        "debt collection is threatening me",
        "I can't keep up with the payments",
        "can I set up a repayment plan because I'm broke",
        "I'm behind on my payments and worried",
    ),
    Intent.RESEND_INVOICE: (
        "resend my invoice",
        "I didn't get the invoice",
        "send me the invoice again",
        "where is my bill",
        "I need a copy of my invoice",
        "can you email the invoice",
        "I can't find my invoice",
        "download my statement",
        "send me a receipt",
    ),
    Intent.ORDER_STATUS: (
        "where is my order",
        "my package hasn't arrived",
        "track my order",
        "has my order shipped",
        "when will my delivery arrive",
        "the store hasn't delivered",
        "order status",
    ),
    Intent.REFUND_STATUS: (
        "where is my refund",
        "I returned the item but still no refund",
        "when will I get my money back",
        "the store said they refunded me but I don't see it",
        "refund status",
        "my refund hasn't arrived",
        "why do I still have to pay if I returned it",
    ),
    Intent.DISPUTE: (
        "I want to dispute a purchase",
        "I never received the item and want to open a dispute",
        "the merchant won't refund me",
        "I was charged for something I didn't buy",
        "the item was broken and the shop ignores me",
        "open a claim against the store",
        "I was charged twice",
        "the amount is wrong on my order",
        "I don't recognise this purchase",
    ),
    Intent.FRAUD: (
        "someone used my account",
        "I think I've been scammed",
        "there's a purchase I didn't make",
        "my card was stolen",
        "someone opened an account in my name",
        "identity theft",
        "I got a suspicious text asking for my code",
        "my account was hacked",
        "fraudulent order on my account",
    ),
    Intent.CARD_PROBLEM: (
        "my card was declined",
        "my card doesn't work",
        "the payment card expired",
        "update my card",
        "change the card I pay with",
        "my card got blocked",
    ),
    Intent.UPDATE_DETAILS: (
        "change my email address",
        "update my phone number",
        "I moved, change my address",
        "I forgot my password",
        "can't log in",
        "change my name on the account",
    ),
    Intent.CLOSE_ACCOUNT: (
        "close my account",
        "delete my account",
        "I want to cancel my account",
        "remove all my data",
        "I don't want to use your service anymore, close everything",
    ),
    Intent.COMPLAINT: (
        "I want to file a complaint",
        "your service is terrible",
        "this is unacceptable",
        "I'm very unhappy with how I was treated",
        "I want to complain",
        "worst customer service ever",
    ),
    Intent.TALK_TO_HUMAN: (
        "can I talk to a person",
        "I want a human",
        "agent please",
        "let me speak to someone",
    ),
    Intent.GREETING: (
        "hi",
        "hello",
        "hey there",
        "good morning",
        "hi, I have a question",
        "hello?",
        "hej",
        "hallo",
        "good afternoon",
        "hiya",
        "hola",
        "bonjour",
        "yo",
        "greetings",
    ),
    Intent.THANKS: (
        "thanks",
        "thank you",
        "thanks a lot",
        "great, thank you",
        "cheers",
        "that helped, thanks",
        "tack",
        "danke",
        "merci",
        "gracias",
        "thank you so much",
        "perfect thanks",
        "ok thanks",
        "appreciate it",
    ),
    Intent.GOODBYE: (
        "bye",
        "goodbye",
        "that's all",
        "see you",
        "nothing else",
        "no that's everything",
        "bye bye",
        "have a nice day",
        "I'm done",
        "that was all, bye",
        "hej då",
        "tschüss",
        "au revoir",
        "adios",
    ),
    Intent.OTHER: (
        "what is the weather",
        "tell me a joke",
        "do you sell shoes",
        "what is your name",
        "who won the game",
        "asdfgh",
        "ok",
        "yes",
        "no",
    ),
}
