package io.safelock.chaos.nemesis;

import io.safelock.chaos.cluster.Cluster;
import io.safelock.chaos.cluster.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The fault schedules: the full list for scripts/chaos.sh, a short one for the default test run. */
public final class Schedules {

    private Schedules() {
    }

    public static List<Schedule> full(boolean namespaces, boolean lossAndDelay, boolean clockJumps) {
        List<Schedule> all = new ArrayList<>();
        all.add(new Schedule("baseline", "no fault", true, "", none()));
        all.add(new Schedule("kill-2-nodes", "SIGKILL 2 of 5 lock nodes, restart them on heal", true, "", killNodes(2)));
        all.add(new Schedule("kill-3-nodes", "SIGKILL 3 of 5 lock nodes: no quorum, every locked write refused", true,
                "no locked write succeeds by design (no quorum, no lock); sold-out products still answer from the lock-free pre-check", killNodes(3)));
        all.add(new Schedule("pause-node", "SIGSTOP 1 lock node for 2.5 lease TTLs, SIGCONT on heal", true, "", pauseNode()));
        all.add(new Schedule("pause-holder", "SIGSTOP an inventory and a counter replica while each holds a lock, for 2.5 lease TTLs",
                true, "", pauseHolders()));
        if (namespaces) {
            all.add(new Schedule("partition-replica", "inventory-a and counter-a cut off from 3 of 5 lock nodes", true, "",
                    partitionReplicas()));
            all.add(new Schedule("split-2-3", "nodes {1,2} + the a replicas | nodes {3,4,5} + the b replicas", true, "", split()));
        }
        if (lossAndDelay) {
            all.add(new Schedule("delay-loss", "2 lock nodes lose 10 % of the packets they send, inventory-a loses 10 %, and every replica"
                    + " reaches those 2 nodes through a proxy adding 40±30 ms each way (round trips of 20-140 ms around the 100 ms node"
                    + " timeout)", true, "", delayLoss()));
        }
        if (clockJumps) {
            all.add(new Schedule("clock-jump-1", "while inventory holds a product's lock, 1 lock node's wall clock jumps forward by 3 lease"
                    + " TTLs (and stays ahead)", true, "", clockJump(1)));
            all.add(new Schedule("clock-jump-3", "while inventory holds a product's lock, 3 of 5 lock nodes' wall clocks jump forward by 3"
                    + " lease TTLs", false, "not guaranteed: a majority of nodes expiring early lets a second holder in while the first"
                    + " still holds; only the fencing tokens at the data protect it", clockJump(3)));
        }
        all.add(new Schedule("postgres-restart", "SIGKILL the PostgreSQL server (whole process group), restart it on heal", true, "",
                postgresRestart()));
        all.add(new Schedule("rabbitmq-restart", "SIGKILL the RabbitMQ broker, restart it", true, "", rabbitRestart()));
        all.add(new Schedule("replica-kill", "SIGKILL an inventory and a counter replica in the middle of a locked request, restart them",
                true, "", killReplicasMidRequest()));
        return all;
    }

    /** A minute's worth: the faults that most often find bugs, and are quick to heal. */
    public static List<Schedule> quick(boolean namespaces) {
        List<Schedule> all = new ArrayList<>();
        all.add(new Schedule("kill-2-nodes", "SIGKILL 2 of 5 lock nodes, restart them on heal", true, "", killNodes(2)));
        all.add(new Schedule("pause-holder", "SIGSTOP an inventory and a counter replica while each holds a lock, for 2.5 lease TTLs",
                true, "", pauseHolders()));
        if (namespaces) {
            all.add(new Schedule("partition-replica", "inventory-a and counter-a cut off from 3 of 5 lock nodes", true, "",
                    partitionReplicas()));
        } else {
            all.add(new Schedule("pause-node", "SIGSTOP 1 lock node for 2.5 lease TTLs, SIGCONT on heal", true, "", pauseNode()));
        }
        return all;
    }

    public static List<Schedule> named(List<Schedule> from, List<String> names) {
        return from.stream().filter(s -> names.contains(s.name())).toList();
    }

    static Fault none() {
        return new Fault() {
            public void inject(Nemesis n) {
            }

            public void heal(Nemesis n) {
            }
        };
    }

    static Fault killNodes(int count) {
        return new Fault() {
            List<Cluster.LockNode> killed = List.of();

            public void inject(Nemesis n) {
                killed = n.pickNodes(count);
                killed.forEach(node -> node.process().kill());
                n.say("killed " + killed.stream().map(k -> k.process().name()).toList());
            }

            public void heal(Nemesis n) {
                killed.forEach(node -> node.process().start());
                n.say("restarted " + killed.stream().map(k -> k.process().name()).toList());
            }
        };
    }

    static Fault pauseNode() {
        return new Fault() {
            Cluster.LockNode paused;

            public void inject(Nemesis n) {
                paused = n.pickNodes(1).get(0);
                paused.process().pause();
                n.say("SIGSTOP " + paused.process().name());
            }

            public void heal(Nemesis n) {
                paused.process().resume();
                n.say("SIGCONT " + paused.process().name());
            }
        };
    }

    /**
     * Each replica is stopped at a moment it holds the lock, confirmed from its own log and the nodes (the
     * nemesis's own requests hold them 1.5 s and 0.9 s); the pause lasts 2.5 TTLs, so they wake long after
     * their leases ended.
     */
    static Fault pauseHolders() {
        return new Fault() {
            Cluster.Replica inventory;
            Cluster.Replica counter;

            public void inject(Nemesis n) {
                inventory = n.pickInventory();
                counter = n.pickCounter();
                n.holdProduct(inventory, n.product(), 1_500);
                n.pauseWhileHolding(inventory, Nemesis.productLock(n.product()), Duration.ofSeconds(3));
                n.holdCounter(counter, n.lockedCounter(), 900);
                n.pauseWhileHolding(counter, Nemesis.counterLock(n.lockedCounter()), Duration.ofSeconds(3));
                n.say("SIGSTOP " + inventory.name() + " and " + counter.name() + " while holding " + n.product() + " / " + n.lockedCounter());
            }

            public void heal(Nemesis n) {
                inventory.process().resume();
                counter.process().resume();
                n.say("SIGCONT " + inventory.name() + " and " + counter.name());
            }
        };
    }

    static Fault partitionReplicas() {
        return new Fault() {
            public void inject(Nemesis n) {
                List<Cluster.LockNode> majority = n.pickNodes(3);
                Set<Host> replicas = Set.of(n.cluster().inventory().get(0).host(), n.cluster().counter().get(0).host());
                n.cluster().network().cut(replicas, Nemesis.hosts(majority));
                n.say("cut inventory-a, counter-a from " + majority.stream().map(k -> k.process().name()).toList());
            }

            public void heal(Nemesis n) {
                n.cluster().network().heal();
                n.say("healed the network");
            }
        };
    }

    static Fault split() {
        return new Fault() {
            public void inject(Nemesis n) {
                List<Cluster.LockNode> nodes = n.cluster().lockNodes();
                Set<Host> minority = new HashSet<>(Nemesis.hosts(nodes.subList(0, 2)));
                Set<Host> majority = new HashSet<>(Nemesis.hosts(nodes.subList(2, nodes.size())));
                minority.add(n.cluster().inventory().get(0).host());
                minority.add(n.cluster().counter().get(0).host());
                for (int i = 1; i < n.cluster().inventory().size(); i++) {
                    majority.add(n.cluster().inventory().get(i).host());
                }
                for (int i = 1; i < n.cluster().counter().size(); i++) {
                    majority.add(n.cluster().counter().get(i).host());
                }
                n.cluster().network().cut(minority, majority);
                n.say("split " + minority.stream().map(Host::name).sorted().toList() + " | " + majority.stream().map(Host::name).sorted().toList());
            }

            public void heal(Nemesis n) {
                n.cluster().network().heal();
                n.say("healed the network");
            }
        };
    }

    static Fault delayLoss() {
        return new Fault() {
            public void inject(Nemesis n) {
                List<Cluster.LockNode> slow = n.pickNodes(2);
                for (Cluster.LockNode node : slow) {
                    n.cluster().network().loseOutgoing(node.host(), 10);
                    for (Cluster.Replica replica : n.cluster().replicas()) {
                        n.cluster().network().delayVia(replica.host(), node.host(), node.port(), 40, 30, node.port() + replica.name().hashCode());
                    }
                }
                n.cluster().network().loseOutgoing(n.cluster().inventory().get(0).host(), 10);
                n.say("10 % loss from " + slow.stream().map(Cluster.LockNode::name).toList() + " and inventory-a; every replica reaches "
                        + slow.stream().map(Cluster.LockNode::name).toList() + " with 40±30 ms each way");
                n.measureLatency(slow);
            }

            public void heal(Nemesis n) {
                n.cluster().network().heal();
                n.say("removed loss and delay");
            }
        };
    }

    /**
     * While an inventory replica holds the hot product's lock (confirmed from its log and the nodes), the
     * chosen nodes' wall clocks jump forward by 3 lease TTLs: their copies of the key expire at once, early
     * by the holder's reckoning. The nemesis then watches the key for 2 TTLs and reports whether another
     * owner won a majority while the first lease was still unended in its holder's log.
     */
    static Fault clockJump(int count) {
        return new Fault() {
            public void inject(Nemesis n) {
                Duration jump = n.leaseTtl().multipliedBy(3);
                Cluster.Replica holder = n.pickInventory();
                String lock = Nemesis.productLock(n.product());
                n.holdProduct(holder, n.product(), 1_500);
                long token = n.awaitHold(holder, lock, Duration.ofSeconds(3));
                // jump nodes that hold the key (a majority does), so that the jump does expire it early
                n.jumpClocks(n.pickNodesHolding(lock, count), jump, holder, lock, token);
            }

            public void heal(Nemesis n) {
                // a clock that jumped stays ahead: moving it back would be a second fault (keys living longer)
            }
        };
    }

    static Fault postgresRestart() {
        return new Fault() {
            public void inject(Nemesis n) {
                n.cluster().postgres().process().kill();
                n.say("SIGKILL PostgreSQL");
            }

            public void heal(Nemesis n) {
                n.cluster().postgres().process().start();
                n.say("PostgreSQL restarted");
            }
        };
    }

    static Fault rabbitRestart() {
        return new Fault() {
            public void inject(Nemesis n) {
                n.cluster().rabbit().kill();
                n.say("SIGKILL RabbitMQ");
            }

            public void heal(Nemesis n) {
                n.cluster().rabbit().restart();
                n.say("RabbitMQ restarted");
            }
        };
    }

    static Fault killReplicasMidRequest() {
        return new Fault() {
            Cluster.Replica inventory;
            Cluster.Replica counter;

            public void inject(Nemesis n) {
                inventory = n.pickInventory();
                counter = n.pickCounter();
                n.startHolding(inventory, n.product(), counter, n.lockedCounter(), 1_500, 900);
                Nemesis.sleep(Duration.ofMillis(300));
                inventory.process().kill();
                counter.process().kill();
                n.say("SIGKILL " + inventory.name() + " and " + counter.name() + " mid-request");
            }

            public void heal(Nemesis n) {
                inventory.process().launch();
                counter.process().launch();
                inventory.process().awaitReady();
                counter.process().awaitReady();
                n.say("restarted " + inventory.name() + " and " + counter.name());
            }
        };
    }
}
