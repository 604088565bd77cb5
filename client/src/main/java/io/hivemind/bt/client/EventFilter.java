package io.hivemind.bt.client;

import java.util.EnumSet;
import java.util.Set;

/** Which events a subscriber receives: by category. Immutable. */
public record EventFilter(Set<Event.Category> categories) {

    public EventFilter {
        categories = Set.copyOf(categories);
    }

    public static EventFilter of(Event.Category first, Event.Category... rest) {
        return new EventFilter(EnumSet.of(first, rest));
    }

    public static EventFilter all() {
        return new EventFilter(EnumSet.allOf(Event.Category.class));
    }

    public boolean accepts(Event e) {
        return categories.contains(e.category());
    }
}
