package io.sipfleet.control.billing;

import io.sipfleet.control.NotFoundException;
import io.sipfleet.control.RefusedException;
import io.sipfleet.control.account.AccountDao;
import io.sipfleet.control.account.LedgerEntry;
import io.sipfleet.control.account.Money;
import io.sipfleet.control.db.ControlDatabase;
import io.sipfleet.control.db.Transactions;
import io.sipfleet.control.server.Server;
import io.sipfleet.control.server.ServerDao;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expiry and credit. A new server is on the free test plan until its expiresAt, then it is
 * {@code expired}. Reactivating it (or a suspended one) moves it to the paid plan, which is
 * charged {@link #DAILY_CHARGE_CENTS} per UTC day from the balance, once per server per day
 * however often {@link #run()} runs (the ledger's unique (server, day) key). When an account's
 * balance cannot pay a day's charges, every one of its servers is {@code suspended}. Expired and
 * suspended servers get a snapshot whose serviceState makes the switch answer new calls 503.
 *
 * <p>Every decision for one account is taken under its row lock (the one deploys take), so a
 * charge and a deploy never both spend the same balance.
 */
public final class BillingService {

    private static final Logger LOG = LoggerFactory.getLogger(BillingService.class);
    /** What a paid server costs per UTC day: $1.00. */
    public static final long DAILY_CHARGE_CENTS = 1_00;

    private final Jdbi jdbi;
    private final Clock clock;

    public BillingService(ControlDatabase db, Clock clock) {
        this.jdbi = db.jdbi();
        this.clock = clock;
    }

    /** What one run did. */
    public record Run(List<Long> expired, List<Long> charged, List<Long> suspended) {
    }

    /** Expires test periods that ended, takes today's charges, suspends accounts that cannot pay. */
    public Run run() {
        Instant now = clock.instant();
        List<Long> accounts = jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT account_id FROM server ORDER BY account_id")
                .mapTo(Long.class).list());
        List<Long> expired = new ArrayList<>();
        List<Long> charged = new ArrayList<>();
        List<Long> suspended = new ArrayList<>();
        for (long accountId : accounts) {
            try {
                Transactions.inTransactionRetrying(jdbi, h -> {
                    runAccount(h, accountId, now, expired, charged, suspended);
                    return null;
                });
            } catch (RuntimeException e) {
                // One account's trouble must not stop the others' billing.
                LOG.error("billing: account {} failed this run; the next run retries", accountId, e);
            }
        }
        if (!expired.isEmpty() || !charged.isEmpty() || !suspended.isEmpty()) {
            LOG.info("billing run at {}: expired {}, charged {}, suspended {}", now, expired, charged, suspended);
        }
        return new Run(List.copyOf(expired), List.copyOf(charged), List.copyOf(suspended));
    }

    private void runAccount(Handle h, long accountId, Instant now, List<Long> expired, List<Long> charged,
                            List<Long> suspended) {
        AccountDao accounts = h.attach(AccountDao.class);
        accounts.lock(accountId).orElseThrow(() -> new NotFoundException("account", accountId));
        List<Server> servers = h.attach(ServerDao.class).list(accountId);
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<Server> due = new ArrayList<>();
        for (Server s : servers) {
            if (!Server.ACTIVE.equals(s.serviceState())) {
                continue;
            }
            if (Server.TEST_PLAN.equals(s.plan())) {
                if (!s.expiresAt().isAfter(now)) {
                    setState(h, s.id(), Server.EXPIRED);
                    expired.add(s.id());
                    LOG.warn("billing: server {} ({}) expired: its test period ended at {}; Reactivate needs balance",
                            s.id(), s.address(), s.expiresAt());
                }
            } else if (accounts.chargesOn(s.id(), today) == 0) {
                due.add(s);
            }
        }
        if (due.isEmpty()) {
            return;
        }
        long balance = accounts.balance(accountId);
        long needed = DAILY_CHARGE_CENTS * due.size();
        if (balance < needed) {
            for (Server s : servers) {
                if (Server.ACTIVE.equals(s.serviceState()) && !expired.contains(s.id())) {
                    setState(h, s.id(), Server.SUSPENDED);
                    suspended.add(s.id());
                }
            }
            LOG.warn("billing: account {} suspended: balance {} cannot pay {} for {} server(s) on {}",
                    accountId, Money.format(balance), Money.format(needed), due.size(), today);
            return;
        }
        for (Server s : due) {
            charge(h, accountId, s.id(), today, now);
            charged.add(s.id());
        }
    }

    /**
     * Reactivate an expired or suspended server: needs the deploy rule's balance ($20 x (1 + the
     * account's other active servers)); moves it to the paid plan and takes today's charge.
     */
    public Server reactivate(long accountId, long serverId) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return jdbi.inTransaction(h -> {
            AccountDao accounts = h.attach(AccountDao.class);
            accounts.lock(accountId).orElseThrow(() -> new NotFoundException("account", accountId));
            ServerDao servers = h.attach(ServerDao.class);
            Server s = servers.find(accountId, serverId).orElseThrow(() -> new NotFoundException("server", serverId));
            if (Server.ACTIVE.equals(s.serviceState())) {
                throw new RefusedException(RefusedException.CONFLICT, "server " + serverId
                        + " is not expired or suspended: nothing to reactivate");
            }
            long others = servers.list(accountId).stream()
                    .filter(o -> o.id() != serverId && Server.ACTIVE.equals(o.serviceState())).count();
            long needed = Money.DEPOSIT_PER_SERVER_CENTS * (1 + others);
            long balance = accounts.balance(accountId);
            if (balance < needed) {
                throw new RefusedException(RefusedException.PAYMENT_REQUIRED, "reactivate refused: the balance is "
                        + Money.format(balance) + " but " + Money.format(needed) + " is needed ($20 x (1 + " + others
                        + " other active servers)); top up at least " + Money.format(needed - balance));
            }
            if (accounts.chargesOn(serverId, today) == 0) {
                charge(h, accountId, serverId, today, now);
            }
            h.createUpdate("UPDATE server SET plan = 'paid', expires_at = :paidThrough WHERE id = :id")
                    .bind("paidThrough", paidThrough(today)).bind("id", serverId).execute();
            setState(h, serverId, Server.ACTIVE);
            LOG.info("billing: server {} reactivated on the paid plan (balance was {})", serverId, Money.format(balance));
            return servers.find(accountId, serverId).orElseThrow();
        });
    }

    private static void charge(Handle h, long accountId, long serverId, LocalDate day, Instant now) {
        h.attach(AccountDao.class).insertLedger(accountId, LedgerEntry.SERVER_CHARGE, -DAILY_CHARGE_CENTS, serverId,
                day, "server " + serverId + " on " + day, now);
        h.createUpdate("UPDATE server SET expires_at = :paidThrough WHERE id = :id AND plan = 'paid'")
                .bind("paidThrough", paidThrough(day)).bind("id", serverId).execute();
    }

    /** A paid server is paid through the end of the charged UTC day. */
    private static Instant paidThrough(LocalDate day) {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The state change reaches the node with the next snapshot: bump its version in the same step. */
    private static void setState(Handle h, long serverId, String state) {
        h.createUpdate("UPDATE server SET service_state = :state, config_version = config_version + 1 WHERE id = :id")
                .bind("state", state).bind("id", serverId).execute();
    }
}
