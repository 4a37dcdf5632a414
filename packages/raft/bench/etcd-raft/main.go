// The bench:core workload against etcd raft 3.4 (Debian's golang-etcd-server-dev), so that
// Raftlens' core is measured against the library it follows in the same run, on the same machine.
//
// Three voters in one process with MemoryStorage; messages are delivered in memory. In each round
// the leader proposes a batch of 64-byte payloads, every node handles its Ready (persist, send,
// apply, advance) and every message is delivered. It stops when every node has applied the
// target number of proposals and prints one JSON object per batch size.
package main

import (
	"encoding/json"
	"flag"
	"io"
	"log"
	"os"
	"time"

	"go.etcd.io/etcd/raft"
	pb "go.etcd.io/etcd/raft/raftpb"
)

type result struct {
	Batch        int     `json:"batch"`
	Proposals    int     `json:"proposals"`
	Seconds      float64 `json:"seconds"`
	PerSecond    float64 `json:"perSecond"`
	Rounds       int     `json:"rounds"`
	MessagesSent int     `json:"messagesSent"`
}

type node struct {
	rn      *raft.RawNode
	storage *raft.MemoryStorage
	applied int
}

func newNode(id uint64) *node {
	ms := raft.NewMemoryStorage()
	snap := pb.Snapshot{Metadata: pb.SnapshotMetadata{
		Index: 1, Term: 1, ConfState: pb.ConfState{Voters: []uint64{1, 2, 3}},
	}}
	if err := ms.ApplySnapshot(snap); err != nil {
		panic(err)
	}
	rn, err := raft.NewRawNode(&raft.Config{
		ID: id, ElectionTick: 10, HeartbeatTick: 1, Storage: ms,
		MaxSizePerMsg: 1 << 20, MaxInflightMsgs: 256, Applied: 1,
	})
	if err != nil {
		panic(err)
	}
	return &node{rn: rn, storage: ms}
}

// handleReady persists, collects messages, applies and advances; it returns the messages.
func (n *node) handleReady(out []pb.Message) []pb.Message {
	for n.rn.HasReady() {
		rd := n.rn.Ready()
		if !raft.IsEmptyHardState(rd.HardState) {
			_ = n.storage.SetHardState(rd.HardState)
		}
		_ = n.storage.Append(rd.Entries)
		out = append(out, rd.Messages...)
		for _, e := range rd.CommittedEntries {
			if e.Type == pb.EntryNormal && len(e.Data) > 0 {
				n.applied++
			}
		}
		n.rn.Advance(rd)
	}
	return out
}

func run(batch, target int) result {
	nodes := map[uint64]*node{1: newNode(1), 2: newNode(2), 3: newNode(3)}
	order := []uint64{1, 2, 3}
	deliver := func(msgs []pb.Message) {
		for _, m := range msgs {
			_ = nodes[m.To].rn.Step(m)
		}
	}
	_ = nodes[1].rn.Campaign()
	for nodes[1].rn.Status().RaftState != raft.StateLeader {
		var msgs []pb.Message
		for _, id := range order {
			msgs = nodes[id].handleReady(msgs)
		}
		deliver(msgs)
	}
	payload := make([]byte, 64)
	start := time.Now()
	proposed, rounds, sent := 0, 0, 0
	var msgs []pb.Message
	for {
		done := true
		for _, id := range order {
			if nodes[id].applied < target {
				done = false
			}
		}
		if done {
			break
		}
		for i := 0; i < batch && proposed < target; i++ {
			if err := nodes[1].rn.Propose(payload); err != nil {
				panic(err)
			}
			proposed++
		}
		msgs = msgs[:0]
		for _, id := range order {
			msgs = nodes[id].handleReady(msgs)
		}
		sent += len(msgs)
		deliver(msgs)
		rounds++
	}
	secs := time.Since(start).Seconds()
	return result{batch, target, secs, float64(target) / secs, rounds, sent}
}

func main() {
	target := flag.Int("proposals", 200000, "proposals applied on every node")
	flag.Parse()
	// The reference logs every election at info level; the measurement needs none of it.
	raft.SetLogger(&raft.DefaultLogger{Logger: log.New(io.Discard, "", 0)})
	results := []result{run(64, *target), run(1, *target)}
	_ = json.NewEncoder(os.Stdout).Encode(results)
}
