package gapless.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

  private static final long MIN = TimeUnit.MINUTES.toNanos(1);
  private static final long WINDOW = 15 * MIN;

  @Test
  void aKeyGivesItsSeqToTheSameContentAndIsRefusedForOtherContent() {
    IdempotencyKeys keys = new IdempotencyKeys(WINDOW, 100, 0);
    keys.remember("k1", 7, 111, MIN);
    assertEquals(new IdempotencyKeys.Known(7), keys.check("k1", 111, 2 * MIN));
    assertEquals(new IdempotencyKeys.Reused(7), keys.check("k1", 222, 2 * MIN));
  }

  @Test
  void anOwnerYoungerThanTheWindowLooksUpKeysItDoesNotKnowThenNoLonger() {
    IdempotencyKeys keys = new IdempotencyKeys(WINDOW, 100, 0);
    assertEquals(new IdempotencyKeys.Unknown(true), keys.check("k", 1, 14 * MIN));
    assertEquals(new IdempotencyKeys.Unknown(false), keys.check("k", 1, 15 * MIN));
  }

  @Test
  void aKeyIsForgottenWhenTheWindowHasPassed() {
    IdempotencyKeys keys = new IdempotencyKeys(WINDOW, 100, 0);
    keys.remember("k1", 7, 111, 16 * MIN);
    assertEquals(new IdempotencyKeys.Known(7), keys.check("k1", 111, 30 * MIN));
    assertEquals(new IdempotencyKeys.Unknown(false), keys.check("k1", 111, 31 * MIN));
    assertEquals(0, keys.size());
  }

  @Test
  void keysForgottenEarlyToStayWithinTheLimitAreLookedUpUntilTheirWindowEnds() {
    IdempotencyKeys keys = new IdempotencyKeys(WINDOW, 2, 0);
    keys.remember("k1", 1, 11, 20 * MIN);
    keys.remember("k2", 2, 22, 21 * MIN);
    keys.remember("k3", 3, 33, 22 * MIN);
    assertEquals(2, keys.size());
    // k1 may be sent again until 35 min: a key not remembered may be it, so it is looked up.
    assertEquals(new IdempotencyKeys.Unknown(true), keys.check("k1", 11, 34 * MIN));
    assertEquals(new IdempotencyKeys.Known(3), keys.check("k3", 33, 34 * MIN));
    assertEquals(new IdempotencyKeys.Unknown(false), keys.check("k9", 99, 35 * MIN));
  }

  @Test
  void aKeyAdoptedFromTheReplicasKeepsTheWindowOfItsFirstAcceptance() {
    IdempotencyKeys keys = new IdempotencyKeys(WINDOW, 100, 20 * MIN);
    // Accepted by the owner before at 10 min, found on the replicas at 21 min.
    keys.remember("k", 4, 44, 10 * MIN);
    assertEquals(new IdempotencyKeys.Known(4), keys.check("k", 44, 24 * MIN));
    assertEquals(new IdempotencyKeys.Unknown(true), keys.check("k", 44, 25 * MIN));
  }
}
