package modrelay.moderation.stage;

import modrelay.moderation.ModerationContext;
import modrelay.moderation.Moderator;
import modrelay.moderation.Suggestion;
import modrelay.moderation.Verdict;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A moderator whose answers are a function of the text; optionally completes on another thread. */
final class ScriptedModerator implements Moderator {

    final List<String> calls = new CopyOnWriteArrayList<>();
    private final Function<String, CompletionStage<Verdict>> script;

    private ScriptedModerator(Function<String, CompletionStage<Verdict>> script) {
        this.script = script;
    }

    static Verdict judged(Suggestion suggestion) {
        return new Verdict.Judged(suggestion, suggestion == Suggestion.PASS ? "Normal" : "Abuse", "", 90, "script", "req-1");
    }

    /** Judges {@code suggestion} for texts containing {@code word}, Pass otherwise. */
    static ScriptedModerator flagging(String word, Suggestion suggestion) {
        return verdicts(text -> text.contains(word) ? judged(suggestion) : judged(Suggestion.PASS));
    }

    static ScriptedModerator blocking(String word) {
        return flagging(word, Suggestion.BLOCK);
    }

    static ScriptedModerator passingAll() {
        return verdicts(text -> judged(Suggestion.PASS));
    }

    static ScriptedModerator verdicts(Function<String, Verdict> verdicts) {
        return new ScriptedModerator(text -> CompletableFuture.completedFuture(verdicts.apply(text)));
    }

    /** Same answers, completed later on the common pool (as a real HTTP moderator would). */
    static ScriptedModerator async(Function<String, Verdict> verdicts) {
        return new ScriptedModerator(text -> CompletableFuture.supplyAsync(() -> verdicts.apply(text)));
    }

    static ScriptedModerator stages(Function<String, CompletionStage<Verdict>> script) {
        return new ScriptedModerator(script);
    }

    @Override
    public CompletionStage<Verdict> moderate(String text, ModerationContext context) {
        calls.add(text);
        return script.apply(text);
    }

    @Override
    public String name() {
        return "script";
    }
}
