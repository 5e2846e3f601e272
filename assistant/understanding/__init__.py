"""Reading ordinary Chinese: amounts in words, the facts a question states, and answers with clauses."""
