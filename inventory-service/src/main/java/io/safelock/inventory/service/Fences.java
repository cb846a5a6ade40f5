package io.safelock.inventory.service;

/** How a refusal by a product row's fence is explained to the client. */
final class Fences {

    private Fences() {
    }

    static String refusal(long productId, long token, long recorded) {
        String answer = "fencing token " + token + " refused for product " + productId + ": token " + recorded
                + " has already claimed it (a newer lock holder took over); nothing was written";
        if (recorded > token) {
            answer += ". If every locked write of this product is refused, the lock nodes lost their data and hand out"
                    + " tokens below the product's fence: see 'Lock nodes that lost their data' in the inventory-service README";
        }
        return answer;
    }
}
