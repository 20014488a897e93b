package io.stockengine.engine;

/**
 * Completes the caller of a command. Invoked on the reply thread once the command's events are journaled; the slot
 * is reused after the call returns, so an implementation copies out what it needs.
 */
@FunctionalInterface
public interface CommandCallback
{
    void onComplete(Command command);
}
