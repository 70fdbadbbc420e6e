package io.sipfleet.control.account;

import java.util.List;

/** The Getting Started checklist: deploying a server needs every item done. */
public record Checklist(List<Item> items) {

    public static final String CONTACT_DETAILS = "contact_details";
    public static final String TOP_UP = "top_up";
    public static final String TERMS_ACCEPTED = "terms_accepted";

    public record Item(String id, boolean done, String howTo) {
    }

    public Checklist {
        items = List.copyOf(items);
    }

    static Checklist of(Account account, boolean hasTopUp) {
        boolean contact = account.contactName() != null && account.contactEmail() != null
                && account.contactPhone() != null;
        return new Checklist(List.of(
                new Item(CONTACT_DETAILS, contact,
                        "PUT /api/account/contact with name, email and phone"),
                new Item(TOP_UP, hasTopUp,
                        "at least one payment, recorded by the operator (POST /api/operator/accounts/{id}/top-ups; "
                                + "demo installations: POST /api/account/top-ups)"),
                new Item(TERMS_ACCEPTED, account.termsAcceptedAt() != null,
                        "POST /api/account/terms with {\"accept\": true}")));
    }

    public boolean complete() {
        return items.stream().allMatch(Item::done);
    }

    public List<String> missing() {
        return items.stream().filter(i -> !i.done()).map(Item::id).toList();
    }
}
