fn main() {
    println!("timberline");
}
