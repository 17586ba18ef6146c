package sched

// The CFS timeline: an AVL tree of entities ordered by Entity.before,
// threaded through the entities themselves so that enqueue and dequeue
// allocate nothing. Insert and remove are O(log n); the leftmost and
// rightmost entities are found by walking, also O(log n).
//
// An entity's key (Vruntime, seq) must not change while it is in the tree:
// whoever changes Vruntime takes the entity out first and puts it back after.

func height(n *Entity) int8 {
	if n == nil {
		return 0
	}
	return n.height
}

func (n *Entity) fixHeight() { n.height = 1 + max(height(n.left), height(n.right)) }

func rotateRight(n *Entity) *Entity {
	l := n.left
	n.left, l.right = l.right, n
	n.fixHeight()
	l.fixHeight()
	return l
}

func rotateLeft(n *Entity) *Entity {
	r := n.right
	n.right, r.left = r.left, n
	n.fixHeight()
	r.fixHeight()
	return r
}

// rebalance restores the AVL property at n, whose subtrees are AVL trees
// differing in height by at most two, and returns the new subtree root.
func rebalance(n *Entity) *Entity {
	n.fixHeight()
	switch b := height(n.left) - height(n.right); {
	case b > 1:
		if height(n.left.left) < height(n.left.right) {
			n.left = rotateLeft(n.left)
		}
		return rotateRight(n)
	case b < -1:
		if height(n.right.right) < height(n.right.left) {
			n.right = rotateRight(n.right)
		}
		return rotateLeft(n)
	}
	return n
}

// treeInsert adds e to the tree rooted at n and returns the new root.
func treeInsert(n, e *Entity) *Entity {
	if n == nil {
		e.left, e.right, e.height = nil, nil, 1
		return e
	}
	if e.before(n) {
		n.left = treeInsert(n.left, e)
	} else {
		n.right = treeInsert(n.right, e)
	}
	return rebalance(n)
}

// treeRemove takes e out of the tree rooted at n and returns the new root.
// Preconditions: e is in the tree.
func treeRemove(n, e *Entity) *Entity {
	if n == nil {
		panic("sched: entity missing from the CFS tree")
	}
	switch {
	case e == n:
		l, r := n.left, n.right
		n.left, n.right, n.height = nil, nil, 0
		if l == nil {
			return r
		}
		if r == nil {
			return l
		}
		var succ *Entity
		r = treeRemoveMin(r, &succ)
		succ.left, succ.right = l, r
		return rebalance(succ)
	case e.before(n):
		n.left = treeRemove(n.left, e)
	default:
		n.right = treeRemove(n.right, e)
	}
	return rebalance(n)
}

// treeRemoveMin takes the leftmost entity out of the non-empty tree rooted
// at n, stores it in *out and returns the new root.
func treeRemoveMin(n *Entity, out **Entity) *Entity {
	if n.left == nil {
		*out = n
		return n.right
	}
	n.left = treeRemoveMin(n.left, out)
	return rebalance(n)
}

// treeFirst returns the leftmost entity (smallest vruntime), nil if empty.
func treeFirst(n *Entity) *Entity {
	for n != nil && n.left != nil {
		n = n.left
	}
	return n
}

// treeLast returns the rightmost entity (largest vruntime), nil if empty.
func treeLast(n *Entity) *Entity {
	for n != nil && n.right != nil {
		n = n.right
	}
	return n
}

// treeWalk appends the tree's entities in order to out.
func treeWalk(n *Entity, out []*Entity) []*Entity {
	if n == nil {
		return out
	}
	out = treeWalk(n.left, out)
	out = append(out, n)
	return treeWalk(n.right, out)
}
