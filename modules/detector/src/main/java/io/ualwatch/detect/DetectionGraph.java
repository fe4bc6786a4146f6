package io.ualwatch.detect;

import io.ualwatch.detect.rules.AppConsentFamily;
import io.ualwatch.detect.rules.ConsentThenMailAccess;
import io.ualwatch.detect.rules.ExternalForwardingRule;
import io.ualwatch.detect.rules.AppFamily;
import io.ualwatch.detect.rules.AppMailboxFanout;
import io.ualwatch.detect.rules.CrossMailboxAccess;
import io.ualwatch.detect.rules.HostingNetworkAccess;
import io.ualwatch.detect.rules.ImpossibleTravel;
import io.ualwatch.detect.rules.MailboxFamily;
import io.ualwatch.detect.rules.MailboxBulkAccess;
import io.ualwatch.detect.rules.MailboxNewClientApp;
import io.ualwatch.detect.rules.MfaChangeThenRiskyAccess;
import io.ualwatch.detect.rules.MailboxSyncNewContext;
import io.ualwatch.detect.rules.MailboxThrottled;
import io.ualwatch.detect.rules.NewCountry;
import io.ualwatch.detect.rules.TokenFamily;
import io.ualwatch.detect.rules.TokenMultiNetwork;
import io.ualwatch.detect.rules.TokenWithoutSignIn;
import io.ualwatch.detect.rules.UserFamily;
import java.util.List;

/**
 * The detection graph, declared once: every family sees every event (and the tenant facts, when it asks
 * for them). The Flink job and the local engine both build themselves from this list, so live, replay and
 * tests run the same logic.
 */
public final class DetectionGraph {
  private DetectionGraph() {}

  public static List<Family> families() {
    return List.of(new MailboxFamily(), new TokenFamily(), new UserFamily(), new AppConsentFamily(), new AppFamily());
  }

  /** Every rule, for documentation and the CLI. */
  public static List<RuleInfo> rules() {
    return List.of(MailboxNewClientApp.INFO, TokenMultiNetwork.INFO, TokenWithoutSignIn.INFO,
        ImpossibleTravel.INFO, NewCountry.INFO, HostingNetworkAccess.INFO, ConsentThenMailAccess.INFO,
        MfaChangeThenRiskyAccess.INFO, ExternalForwardingRule.INFO, MailboxSyncNewContext.INFO,
        MailboxThrottled.INFO, MailboxBulkAccess.INFO, AppMailboxFanout.INFO, CrossMailboxAccess.INFO);
  }
}
