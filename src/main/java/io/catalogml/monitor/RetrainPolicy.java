package io.catalogml.monitor;

import io.catalogml.config.CatalogConfig.RetrainSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When the nightly chain trains a candidate on its own, from the champion's monitoring history
 * ({@code retrain.*}); the first rule that fires is the reason:
 * <ol>
 *   <li><b>drift</b>: the latest night breached and at least {@code drift-nights} of the last
 *       {@code drift-window} monitored nights of this model did (the MLOps Stacks rule);</li>
 *   <li><b>corrections</b>: at least {@code corrections} products were corrected in
 *       {@code gold.feedback} since the model was trained ({@code 0} turns the rule off);</li>
 *   <li><b>agreement</b>: agreement with the catalogue's labels fell by more than
 *       {@code agreement-drop} since the model's first monitored night.</li>
 * </ol>
 * A pure function of its inputs, so a sequence of nights can be simulated.
 */
public final class RetrainPolicy {
  private RetrainPolicy() {}

  /** One monitored night of the model, oldest first: whether it breached and its label agreement (null: none). */
  public record Night(String night, boolean drift, Double agreement) {}

  /**
   * The decision.
   *
   * @param retrain whether to train a candidate tonight
   * @param rule {@code drift}, {@code corrections}, {@code agreement}, or {@code none}
   * @param reason the numbers behind it, for the result and the run's tags
   */
  public record Decision(boolean retrain, String rule, String reason) {}

  /**
   * @param nights the model's monitored nights, oldest first, tonight last
   * @param newCorrections products corrected since the model was trained
   */
  public static Decision decide(List<Night> nights, long newCorrections, RetrainSettings settings) {
    List<String> checked = new ArrayList<>();
    if (!nights.isEmpty()) {
      List<Night> window = nights.subList(Math.max(0, nights.size() - settings.driftWindow()), nights.size());
      long drifted = window.stream().filter(Night::drift).count();
      boolean latest = nights.get(nights.size() - 1).drift();
      String drift = String.format(Locale.ROOT, "drift on %d of the last %d monitored nights, %s tonight "
          + "(rule: >= %d of %d and tonight)", drifted, window.size(), latest ? "and" : "not", settings.driftNights(),
          settings.driftWindow());
      if (latest && drifted >= settings.driftNights()) {
        return new Decision(true, "drift", drift);
      }
      checked.add(drift);
    }
    String corrections = String.format(Locale.ROOT, "%d products corrected since the model was trained (rule: >= %d)",
        newCorrections, settings.corrections());
    if (settings.corrections() > 0 && newCorrections >= settings.corrections()) {
      return new Decision(true, "corrections", corrections);
    }
    checked.add(corrections);
    Double first = nights.stream().map(Night::agreement).filter(a -> a != null).findFirst().orElse(null);
    Double now = nights.isEmpty() ? null : nights.get(nights.size() - 1).agreement();
    if (first != null && now != null) {
      String agreement = String.format(Locale.ROOT, "label agreement %.4f tonight, %.4f on the model's first "
          + "monitored night (rule: a fall of more than %.4f)", now, first, settings.agreementDrop());
      if (first - now > settings.agreementDrop()) {
        return new Decision(true, "agreement", agreement);
      }
      checked.add(agreement);
    }
    return new Decision(false, "none", String.join("; ", checked));
  }
}
