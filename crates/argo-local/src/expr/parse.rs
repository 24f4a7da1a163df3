//! The syntax tree of the expression subset and its parser (precedence as in expr-lang).

use super::ExprError;
use super::lex::{Tok, lex};

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bin {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Matches,
    Contains,
    StartsWith,
    EndsWith,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// A node of the syntax tree.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Ast {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Ast>),
    /// A variable, by its dotted path (`lastRetry.status`).
    Var(String),
    Not(Box<Ast>),
    Neg(Box<Ast>),
    Binary(Bin, Box<Ast>, Box<Ast>),
    Ternary(Box<Ast>, Box<Ast>, Box<Ast>),
    Call(String, Vec<Ast>),
    Index(Box<Ast>, Box<Ast>),
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

/// Parses `text` into a syntax tree.
pub(super) fn parse(text: &str) -> Result<Ast, ExprError> {
    let mut p = Parser {
        toks: lex(text)?,
        pos: 0,
    };
    let ast = p.ternary()?;
    match p.toks.get(p.pos) {
        None => Ok(ast),
        Some(t) => Err(ExprError::Syntax(format!("unexpected {}", show(t)))),
    }
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Int(i) => format!("`{i}`"),
        Tok::Float(f) => format!("`{f}`"),
        Tok::Str(s) => format!("'{s}'"),
        Tok::Op(o) => format!("`{o}`"),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if *o == op)
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(w)) if w == word)
    }

    fn expect(&mut self, op: &str) -> Result<(), ExprError> {
        if self.is_op(op) {
            self.pos += 1;
            Ok(())
        } else {
            Err(ExprError::Syntax(match self.peek() {
                Some(t) => format!("expected `{op}`, found {}", show(t)),
                None => format!("expected `{op}` at the end"),
            }))
        }
    }

    fn ternary(&mut self) -> Result<Ast, ExprError> {
        let cond = self.or()?;
        if self.is_op("??") {
            return Err(ExprError::Unsupported("the `??` operator".into()));
        }
        if !self.is_op("?") {
            return Ok(cond);
        }
        self.pos += 1;
        let yes = self.ternary()?;
        self.expect(":")?;
        let no = self.ternary()?;
        Ok(Ast::Ternary(Box::new(cond), Box::new(yes), Box::new(no)))
    }

    fn or(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.and()?;
        while self.is_op("||") || self.is_word("or") {
            self.pos += 1;
            left = Ast::Binary(Bin::Or, Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.compare()?;
        while self.is_op("&&") || self.is_word("and") {
            self.pos += 1;
            left = Ast::Binary(Bin::And, Box::new(left), Box::new(self.compare()?));
        }
        Ok(left)
    }

    fn compare(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.additive()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op("==")) => Bin::Eq,
                Some(Tok::Op("!=")) => Bin::Ne,
                Some(Tok::Op("<")) => Bin::Lt,
                Some(Tok::Op("<=")) => Bin::Le,
                Some(Tok::Op(">")) => Bin::Gt,
                Some(Tok::Op(">=")) => Bin::Ge,
                Some(Tok::Ident(w)) => match w.as_str() {
                    "in" => Bin::In,
                    "matches" => Bin::Matches,
                    "contains" => Bin::Contains,
                    "startsWith" => Bin::StartsWith,
                    "endsWith" => Bin::EndsWith,
                    "not" if matches!(self.toks.get(self.pos + 1), Some(Tok::Ident(i)) if i == "in") =>
                    {
                        self.pos += 1;
                        Bin::NotIn
                    }
                    _ => return Ok(left),
                },
                _ => return Ok(left),
            };
            self.pos += 1;
            left = Ast::Binary(op, Box::new(left), Box::new(self.additive()?));
        }
    }

    fn additive(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op("+")) => Bin::Add,
                Some(Tok::Op("-")) => Bin::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            left = Ast::Binary(op, Box::new(left), Box::new(self.multiplicative()?));
        }
    }

    fn multiplicative(&mut self) -> Result<Ast, ExprError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op("*")) => Bin::Mul,
                Some(Tok::Op("/")) => Bin::Div,
                Some(Tok::Op("%")) => Bin::Rem,
                _ => return Ok(left),
            };
            self.pos += 1;
            left = Ast::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Ast, ExprError> {
        if self.is_op("!") || self.is_word("not") {
            self.pos += 1;
            return Ok(Ast::Not(Box::new(self.unary()?)));
        }
        if self.is_op("-") {
            self.pos += 1;
            return Ok(Ast::Neg(Box::new(self.unary()?)));
        }
        if self.is_op("+") {
            self.pos += 1;
            return self.unary();
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Ast, ExprError> {
        let mut ast = self.primary()?;
        while self.is_op("[") {
            self.pos += 1;
            let index = self.ternary()?;
            self.expect("]")?;
            ast = match (ast, index) {
                // `inputs.parameters['my-param']` names the variable `inputs.parameters.my-param`.
                (Ast::Var(path), Ast::Str(key)) => Ast::Var(format!("{path}.{key}")),
                (ast, index) => Ast::Index(Box::new(ast), Box::new(index)),
            };
        }
        Ok(ast)
    }

    fn primary(&mut self) -> Result<Ast, ExprError> {
        let tok = self.peek().cloned();
        self.pos += 1;
        match tok {
            Some(Tok::Int(i)) => Ok(Ast::Int(i)),
            Some(Tok::Float(f)) => Ok(Ast::Float(f)),
            Some(Tok::Str(s)) => Ok(Ast::Str(s)),
            Some(Tok::Op("(")) => {
                let inner = self.ternary()?;
                self.expect(")")?;
                Ok(inner)
            }
            Some(Tok::Op("[")) => {
                let mut items = Vec::new();
                while !self.is_op("]") {
                    items.push(self.ternary()?);
                    if !self.is_op("]") {
                        self.expect(",")?;
                    }
                }
                self.pos += 1;
                Ok(Ast::List(items))
            }
            Some(Tok::Ident(name)) => match name.as_str() {
                "true" => Ok(Ast::Bool(true)),
                "false" => Ok(Ast::Bool(false)),
                "nil" => Ok(Ast::Nil),
                _ if self.is_op("(") => {
                    self.pos += 1;
                    let mut args = Vec::new();
                    while !self.is_op(")") {
                        args.push(self.ternary()?);
                        if !self.is_op(")") {
                            self.expect(",")?;
                        }
                    }
                    self.pos += 1;
                    Ok(Ast::Call(name, args))
                }
                _ => Ok(Ast::Var(name)),
            },
            Some(t) => Err(ExprError::Syntax(format!("unexpected {}", show(&t)))),
            None => Err(ExprError::Syntax("unexpected end of expression".into())),
        }
    }
}
