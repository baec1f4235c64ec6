// replaced as soon as the first source of this library lands
