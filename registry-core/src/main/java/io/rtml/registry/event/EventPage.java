package io.rtml.registry.event;

import java.util.List;

/**
 * A page of the event log, oldest first (newest first when asked for events {@code before} an id).
 *
 * @param next what to pass as {@code after} for the next page: the last id this page looked at (it may be
 *     past the last event shown when the caller's scopes hide some); equal to {@code after} when there is
 *     nothing new yet. Paging backwards, what to pass as {@code before} for the page of older events (equal
 *     to {@code before} when there are none)
 */
public record EventPage(List<EventResponse> events, long next) {}
